import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDatasetCommands } from '../../src/cli/dataset.js';
import { hasDatasetCache } from '../../src/dataset/cache.js';
import { silentLogger } from '../../src/log/logger.js';
import { FIXTURE_MAX_PIXELS, writePhotoFolder } from './fixtures.js';
import { useTempDirs } from './temp.js';

const tempDir = useTempDirs();

/** Runs the CLI with these arguments; returns the printed lines, commander's error output and exit code. */
async function run(...args: string[]) {
  const lines: string[] = [];
  let errors = '';
  const program = new Command('nightmask')
    .exitOverride()
    .configureOutput({ writeOut: (text) => lines.push(text), writeErr: (text) => (errors += text) });
  registerDatasetCommands(program, { logger: silentLogger, print: (line) => lines.push(line) });

  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'nightmask', ...args]);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    exitCode = err.exitCode;
  }
  return { out: lines.join('\n'), errors, exitCode };
}

describe('nightmask ingest', () => {
  it('given good and bad pictures, then prints counts, reasons and the files left out', async () => {
    const folder = await tempDir();
    await writePhotoFolder(folder);
    const out = path.join(await tempDir(), 'dataset');

    const result = await run(
      'ingest',
      folder,
      '--size',
      '16',
      '--max-pixels',
      String(FIXTURE_MAX_PIXELS),
      '--out',
      out,
    );
    expect(result.exitCode).toBe(0);
    expect(result.out).toContain('read 17, used 10, duplicates 1, quarantined 6');
    expect(result.out).toMatch(/quarantined by reason: .*empty 1.*truncated 1/);
    expect(result.out).toMatch(/page\.png: not-an-image/);
    expect(await hasDatasetCache(out)).toBe(true);
  });

  it('given names with newlines and escape codes, then prints them escaped, one line per file', async () => {
    const folder = await tempDir();
    await writePhotoFolder(folder);
    await writeFile(path.join(folder, 'x.png\n    good0.png: used fine'), 'not a picture');
    await symlink('gone\n    good1.png: used fine', path.join(folder, 'link.jpg'));
    await writeFile(path.join(folder, 'bell\u0007\u001b[2J.png'), 'not a picture');
    const out = path.join(await tempDir(), 'dataset');

    const result = await run(
      'ingest',
      folder,
      '--size',
      '16',
      '--max-pixels',
      String(FIXTURE_MAX_PIXELS),
      '--out',
      out,
    );
    expect(result.exitCode).toBe(0);
    const lines = result.out.split('\n');
    expect(lines.filter((line) => /good[01]\.png: used fine/.test(line) && !line.includes('\\n'))).toEqual(
      [],
    );
    expect(result.out).toContain('x.png\\n    good0.png: used fine: not-an-image');
    expect(result.out).toContain(
      'link.jpg: unreadable (broken symbolic link: it points to gone\\n    good1.png',
    );
    expect(result.out).toContain('bell\\x07\\x1b[2J.png: not-an-image');
    const controls = [...result.out].filter((char) => char !== '\n' && /\p{Cc}/u.test(char));
    expect(controls).toEqual([]);
  });

  it('given a refusal that names a file with a newline, then prints the error on one line', async () => {
    const folder = await tempDir();
    await writePhotoFolder(folder);
    const out = path.join(await tempDir(), 'dataset');
    const args = ['ingest', folder, '--size', '16', '--max-pixels', String(FIXTURE_MAX_PIXELS), '--out', out];
    expect((await run(...args)).exitCode).toBe(0);
    await writeFile(path.join(out, 'notes\nerror: fake.txt'), 'mine');

    const result = await run(...args);
    expect(result.exitCode).toBe(1);
    expect(result.errors.trimEnd().split('\n')).toHaveLength(1);
    expect(result.errors).toContain('notes\\nerror: fake.txt');
  });

  it('given a missing folder, then exits 1 with a message naming it', async () => {
    const missing = path.join(await tempDir(), 'nope');
    const result = await run('ingest', missing, '--out', path.join(await tempDir(), 'dataset'));
    expect(result.exitCode).toBe(1);
    expect(result.errors).toContain(`Expected a folder of pictures at ${missing}`);
  });

  it('given a folder with nothing usable, then lists why and exits 1 without writing', async () => {
    const folder = await tempDir();
    await writePhotoFolder(folder);
    const out = path.join(await tempDir(), 'dataset');
    const result = await run('ingest', path.join(folder, 'nested'), '--min-side', '5000', '--out', out);

    expect(result.exitCode).toBe(1);
    expect(result.out).toMatch(/deeper\/other\.webp: too-small/);
    expect(result.errors).toContain('none usable');
    expect(await hasDatasetCache(out)).toBe(false);
  });

  it('given a bad --size or --fit, then exits 1 saying what it expected', async () => {
    const size = await run('ingest', '.', '--size', 'big');
    expect(size.exitCode).toBe(1);
    expect(size.errors).toContain('Expected a whole number of pixels from 8 to 1024, found "big"');

    const fit = await run('ingest', '.', '--fit', 'stretch');
    expect(fit.exitCode).toBe(1);
    expect(fit.errors).toMatch(/crop, pad/);
  });
});

describe('nightmask dataset', () => {
  it('given a limit and all sources, then builds the demo set and prints counts per source', async () => {
    const out = path.join(await tempDir(), 'dataset');
    const result = await run(
      'dataset',
      '--size',
      '8',
      '--limit',
      '6',
      '--twemoji',
      '--fluent3d',
      '--out',
      out,
    );

    expect(result.exitCode).toBe(0);
    expect(result.out).toContain(`Demo dataset written to ${out}: 6 images of 8 px.`);
    expect(result.out).toContain('by source: noto 2, twemoji 2, fluent3d 2');
    expect(await hasDatasetCache(out)).toBe(true);
  });
});
