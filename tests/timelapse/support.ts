import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach } from 'vitest';
import type { RunFolders } from '../../src/timelapse/grids.js';

/** A models folder in a fresh temporary directory, removed after each test. */
export function useModelsDirs(): () => Promise<RunFolders & { root: string }> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const root = await mkdtemp(join(tmpdir(), 'nightmask-timelapse-'));
    made.push(root);
    const modelsDir = join(root, 'models');
    await mkdir(modelsDir);
    return { root, modelsDir, samplesDir: join(modelsDir, 'samples') };
  };
}

export function gridName(step: number): string {
  return `step-${String(step).padStart(9, '0')}.png`;
}

/**
 * A stand-in for a sample grid: a dark frame with a light square whose speckle fades as `step`
 * grows, so no two grids are alike (libwebp would merge identical frames). `noise` 1 keeps it all
 * speckle, the hardest case to compress.
 */
export async function gridPng(
  step: number,
  options: { sizePx?: number; noise?: number } = {},
): Promise<Buffer> {
  const size = options.sizePx ?? 66;
  const noise = options.noise ?? 1 / (1 + step / 500);
  const pixels = Buffer.alloc(size * size * 3);
  let state = (step * 2654435761 + 1) >>> 0;
  for (let i = 0; i < pixels.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const p = Math.floor(i / 3);
    const [x, y] = [p % size, Math.floor(p / size)];
    const inside = Math.abs(x - size / 2) < size / 4 && Math.abs(y - size / 2) < size / 4;
    const shape = inside ? 220 : 20;
    pixels[i] = Math.round(noise * (state >>> 24) + (1 - noise) * shape);
  }
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
}

/** Writes one grid per step, each last written at `writtenAt(step)` (ms) when that is given. */
export async function writeGrids(
  folders: RunFolders,
  steps: readonly number[],
  options: { sizePx?: number; noise?: number; writtenAt?: (step: number) => number } = {},
): Promise<string[]> {
  await mkdir(folders.samplesDir, { recursive: true });
  const paths: string[] = [];
  for (const step of steps) {
    const path = join(folders.samplesDir, gridName(step));
    await writeFile(path, await gridPng(step, options));
    if (options.writtenAt) {
      const at = new Date(options.writtenAt(step));
      await utimes(path, at, at);
    }
    paths.push(path);
  }
  return paths;
}

/** Pages, per-page delays and loop count of an animated WebP, as a viewer would read them. */
export async function animationOf(webp: Buffer) {
  const meta = await sharp(webp, { animated: true }).metadata();
  return {
    format: meta.format,
    pages: meta.pages ?? 1,
    width: meta.width,
    pageHeight: meta.pageHeight ?? meta.height,
    delay: meta.delay ?? [],
    loop: meta.loop,
  };
}
