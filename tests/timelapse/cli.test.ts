import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/cli/failure.js';
import { registerTimelapseCommand } from '../../src/cli/timelapse.js';
import { animationOf, useModelsDirs, writeGrids } from './support.js';

const modelsDirs = useModelsDirs();

/**
 * Runs `nightmask timelapse` in this process; returns what it printed, and the message and exit code
 * that main.ts would show for the error it ended with.
 */
async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('nightmask')
    .exitOverride()
    .configureOutput({ writeOut: (text) => out.push(text), writeErr: (text) => err.push(text) });
  registerTimelapseCommand(program, { print: (line) => out.push(line), warn: (line) => err.push(line) });
  let failure: ReturnType<typeof describeFailure> = { message: undefined, exitCode: 0 };
  try {
    await program.parseAsync(['node', 'nightmask', 'timelapse', ...args]);
  } catch (e) {
    failure = describeFailure(e);
    if (failure.message === undefined && !(e instanceof CommanderError)) throw e;
  }
  return { out: out.join('\n'), err: err.join('\n'), ...failure };
}

describe('nightmask timelapse', () => {
  it('given a run, then it writes the WebP atomically where --out says and prints the path and size', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, [100, 200, 300, 400, 500]);
    const out = join(folders.root, 'tl.webp');

    const result = await run('--models', folders.modelsDir, '--out', out, '--frames', '3', '--size', '96');

    expect(result.exitCode).toBe(0);
    expect(result.out).toBe(out);
    expect(result.err).toMatch(
      /^wrote 3 of 5 sample grids \(steps 100 to 500\), 96x\d+ px at 8 fps: [\d.]+ MiB/,
    );
    expect(await animationOf(await readFile(out))).toMatchObject({ pages: 3, width: 96 });
    // No temporary file is left beside it.
    expect(await readdir(folders.root)).toEqual(['models', 'tl.webp']);
  });

  it('given a folder as --out, then the file goes inside it; given another extension, then it is refused', async () => {
    const folders = await modelsDirs();
    await writeGrids(folders, [100, 200]);
    const inFolder = await run('--models', folders.modelsDir, '--out', folders.root);
    expect(inFolder.out).toBe(join(folders.root, 'timelapse.webp'));

    const gif = await run('--models', folders.modelsDir, '--out', join(folders.root, 'a.gif'));
    expect(gif).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/--out should name a \.webp file/),
    });
  });

  it('given a corrupt grid, then it warns, skips it and still writes the rest', async () => {
    const folders = await modelsDirs();
    const [first] = await writeGrids(folders, [100, 200, 300]);
    await writeFile(first as string, 'garbage');
    const result = await run('--models', folders.modelsDir, '--out', join(folders.root, 'x.webp'));
    expect(result.exitCode).toBe(0);
    expect(result.err).toMatch(/^warning: skipped step-000000100\.png: not a readable image/);
    expect(result.err).toMatch(/wrote 2 of 2 sample grids \(steps 200 to 300\)/);
  });

  it('given a missing folder, no grids, one grid or mixed sizes, then one clear line and exit code 2', async () => {
    const folders = await modelsDirs();
    const out = ['--out', join(folders.root, 'x.webp')];
    const missing = await run('--models', join(folders.root, 'nope'), ...out);
    expect(missing).toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^there is no models folder at /),
    });
    expect((await run('--models', folders.modelsDir, ...out)).message).toMatch(
      /^there are no sample grids in /,
    );
    await writeGrids(folders, [100]);
    expect((await run('--models', folders.modelsDir, ...out)).message).toMatch(/needs at least two/);
    await writeGrids(folders, [200], { sizePx: 40 });
    expect((await run('--models', folders.modelsDir, ...out)).message).toMatch(/not all the same size/);
  });

  it('given a bad --frames, --fps or --size, then commander names the allowed range', async () => {
    for (const args of [
      ['--frames', '1'],
      ['--fps', '0'],
      ['--size', '5000'],
    ]) {
      const result = await run(...args);
      expect(result.exitCode).toBe(1);
      expect(result.err).toMatch(/expected a (whole )?number from/);
    }
  });

  it('given the real command line and no models folder, then one line on stderr and no stack trace', async () => {
    const folders = await modelsDirs();
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'timelapse', '--models', join(folders.root, 'nope')],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
    );
    expect(cli.status).toBe(2);
    expect(cli.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^nightmask: there is no models folder at .*nope\. Train first/),
    ]);
    expect(cli.stdout).toBe('');
  });
});
