import { basename } from 'node:path';
import sharp from 'sharp';
import { type EncodePlan, shrinkPlan } from './budget.js';
import { TimelapseError } from './errors.js';
import { type RawFrame, renderFrame } from './frame.js';
import { listRunGrids, type RunFolders, type SampleGrid } from './grids.js';
import { pickEvenly } from './select.js';

/** Discord refuses uploads above 10 MiB; half a MiB stays free for the message around the file. */
export const DISCORD_SAFE_BYTES = Math.floor(9.5 * 1024 * 1024);

export const TIMELAPSE_DEFAULTS = Object.freeze({
  maxFrames: 48,
  fps: 8,
  /** The finished nightmare stays on screen a while before the loop starts over. */
  holdLastMs: 2500,
  quality: 80,
  maxBytes: DISCORD_SAFE_BYTES,
});

export interface TimelapseOptions {
  /** At most this many grids, spread evenly over the run, first and last always in. */
  maxFrames?: number;
  fps?: number;
  /** Frame width; default: the grids' own width. The caption strip adds a little height. */
  widthPx?: number;
  holdLastMs?: number;
  /** The file never comes out larger: quality, frames and size are reduced until it fits. */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Told about each grid that cannot be read and is left out. */
  onWarning?: (message: string, details: Record<string, unknown>) => void;
}

/** A finished animation and what went into it. */
export interface Timelapse {
  readonly webp: Buffer;
  readonly bytes: number;
  readonly frames: number;
  /** Readable grids of the run; `frames` of them are shown. */
  readonly gridsAvailable: number;
  readonly firstStep: number;
  readonly lastStep: number;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly quality: number;
  readonly fps: number;
  /** 1 when the first try fitted; more when it had to be made smaller. */
  readonly attempts: number;
  /** Grid files that could not be read. */
  readonly skipped: readonly string[];
  readonly renderMs: number;
}

interface ReadableGrid extends SampleGrid {
  readonly widthPx: number;
  readonly heightPx: number;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TimelapseError('aborted', 'the timelapse was cancelled before it was done');
}

/** Reads each grid's header; a file that is not an image is reported and left out. */
async function inspectGrids(
  grids: readonly SampleGrid[],
  skip: (grid: SampleGrid, err: unknown) => void,
): Promise<ReadableGrid[]> {
  const readable: ReadableGrid[] = [];
  for (const grid of grids) {
    try {
      const { width, height } = await sharp(grid.path).metadata();
      if (!width || !height) throw new Error('no image size in the header');
      readable.push({ ...grid, widthPx: width, heightPx: height });
    } catch (err) {
      skip(grid, err);
    }
  }
  return readable;
}

function requireOneSize(grids: readonly ReadableGrid[], samplesDir: string): void {
  const bySize = new Map<string, ReadableGrid[]>();
  for (const g of grids) {
    const key = `${g.widthPx}x${g.heightPx}`;
    bySize.set(key, [...(bySize.get(key) ?? []), g]);
  }
  if (bySize.size <= 1) return;
  const found = [...bySize].map(([size, gs]) => {
    const first = (gs[0] as ReadableGrid).step.toLocaleString('en-US');
    const last = (gs.at(-1) as ReadableGrid).step.toLocaleString('en-US');
    return `${size} px (${gs.length} grid${gs.length === 1 ? '' : 's'}, steps ${first} to ${last})`;
  });
  throw new TimelapseError(
    'mixed-sizes',
    `the sample grids in ${samplesDir} are not all the same size: ${found.join(', ')}. They come from ` +
      'different runs or versions; move the ones you do not want out of that folder and try again.',
    { samplesDir, sizes: [...bySize.keys()] },
  );
}

function requireTwo(available: number, found: number, samplesDir: string, skipped: number): void {
  if (available >= 2) return;
  if (found === 0) {
    throw new TimelapseError(
      'no-grids',
      `there are no sample grids in ${samplesDir} yet. The trainer writes one every few minutes while ` +
        'it trains; a timelapse needs at least two.',
      { samplesDir },
    );
  }
  const unreadable = skipped > 0 ? ` (${skipped} could not be read)` : '';
  throw new TimelapseError(
    'too-few-grids',
    `there ${available === 1 ? 'is only one readable sample grid' : 'is no readable sample grid'} in ` +
      `${samplesDir}${unreadable}; a timelapse needs at least two. Try again after the trainer has ` +
      'written another.',
    { samplesDir, available, skipped },
  );
}

/** The frames of one attempt: the grids it shows and their decoded, captioned pixels. */
interface Chosen {
  readonly picked: readonly ReadableGrid[];
  readonly frames: readonly RawFrame[];
  /** The frames by grid, width and progress, for the next attempt to reuse. */
  readonly decoded: ReadonlyMap<string, RawFrame>;
}

/**
 * Picks `plan.frames` of the readable grids and decodes them at `plan.widthPx`, reusing frames from
 * the previous attempt. A grid that turns out truncated is reported, dropped from `readable` and the
 * choice made again, so that the spread stays even and the last frame is the last readable grid.
 */
async function decodeChosen(
  readable: ReadableGrid[],
  plan: EncodePlan,
  previous: ReadonlyMap<string, RawFrame>,
  fail: (grid: ReadableGrid, err: unknown) => void,
  signal: AbortSignal | undefined,
): Promise<Chosen> {
  const fresh = new Map<string, RawFrame>();
  for (;;) {
    const picked = pickEvenly(readable.length, plan.frames).map((i) => readable[i] as ReadableGrid);
    const first = (picked[0] as ReadableGrid).step;
    const span = Math.max(1, (picked.at(-1) as ReadableGrid).step - first);
    const frames: RawFrame[] = [];
    const keys: string[] = [];
    for (const g of picked) {
      checkAborted(signal);
      const progress = (g.step - first) / span;
      const key = `${g.path}@${plan.widthPx}@${progress}`;
      keys.push(key);
      try {
        const frame =
          fresh.get(key) ??
          previous.get(key) ??
          (await renderFrame(g.path, g.step, {
            widthPx: plan.widthPx,
            gridWidthPx: g.widthPx,
            gridHeightPx: g.heightPx,
            progress,
          }));
        fresh.set(key, frame);
        frames.push(frame);
      } catch (err) {
        readable.splice(readable.indexOf(g), 1);
        fail(g, err);
        break;
      }
    }
    if (frames.length < picked.length) continue;
    // Only these frames stay in memory: after a smaller width the others are of no use.
    const decoded = new Map(keys.map((key, i) => [key, frames[i] as RawFrame]));
    return { picked, frames, decoded };
  }
}

/**
 * Renders the current run's fixed-seed sample grids as a looping animated WebP, "from noise to
 * nightmare": up to `maxFrames` grids spread evenly over the run, each captioned with its step, the
 * last one held longer. The result is never larger than `maxBytes`; when a try comes out larger,
 * quality, frame count and size are lowered in turn (see budget.ts) and it is encoded again.
 * The work runs in sharp's thread pool, so the event loop stays free.
 */
export async function makeTimelapse(folders: RunFolders, options: TimelapseOptions = {}): Promise<Timelapse> {
  const started = performance.now();
  const o = { ...TIMELAPSE_DEFAULTS, ...options };
  const skipped: string[] = [];
  const skip = (grid: SampleGrid, err: unknown) => {
    skipped.push(grid.path);
    const reason = err instanceof Error ? err.message : String(err);
    o.onWarning?.(`skipped ${basename(grid.path)}: not a readable image (${reason})`, {
      path: grid.path,
      step: grid.step,
    });
  };

  // The run's grids that can be read, all of one size.
  const found = await listRunGrids(folders);
  const readable = await inspectGrids(found, skip);
  requireOneSize(readable, folders.samplesDir);
  requireTwo(readable.length, found.length, folders.samplesDir, skipped.length);

  let plan: EncodePlan = {
    frames: Math.max(2, Math.min(o.maxFrames, readable.length)),
    widthPx: o.widthPx ?? (readable[0] as ReadableGrid).widthPx,
    quality: o.quality,
  };
  // WebP stores each delay in 16 bits.
  const frameMs = Math.min(65_535, Math.round(1000 / o.fps));
  const holdMs = Math.min(65_535, Math.max(o.holdLastMs, frameMs));
  let decoded: ReadonlyMap<string, RawFrame> = new Map();
  const dropUnreadable = (grid: ReadableGrid, err: unknown) => {
    skip(grid, err);
    requireTwo(readable.length, found.length, folders.samplesDir, skipped.length);
  };
  for (let attempt = 1; ; attempt++) {
    checkAborted(o.signal);

    const chosen = await decodeChosen(readable, plan, decoded, dropUnreadable, o.signal);
    const { picked, frames } = chosen;
    decoded = chosen.decoded;

    const head = frames[0] as RawFrame;
    const webp = await sharp(
      frames.map((f) => f.data),
      { raw: { width: head.widthPx, height: head.heightPx, channels: 3 }, join: { animated: true } },
    )
      .webp({
        quality: plan.quality,
        effort: 4,
        loop: 0,
        delay: frames.map((_, i) => (i === frames.length - 1 ? holdMs : frameMs)),
      })
      .toBuffer();

    if (webp.byteLength <= o.maxBytes) {
      return {
        webp,
        bytes: webp.byteLength,
        frames: frames.length,
        gridsAvailable: readable.length,
        firstStep: (picked[0] as ReadableGrid).step,
        lastStep: (picked.at(-1) as ReadableGrid).step,
        widthPx: head.widthPx,
        heightPx: head.heightPx,
        quality: plan.quality,
        fps: o.fps,
        attempts: attempt,
        skipped,
        renderMs: Math.round(performance.now() - started),
      };
    }
    const next = shrinkPlan(plan, webp.byteLength / o.maxBytes);
    if (!next) {
      throw new TimelapseError(
        'too-large',
        `the timelapse does not fit in ${(o.maxBytes / 1024 / 1024).toFixed(2)} MiB even at ` +
          `${plan.frames} frames, ${plan.widthPx} px and quality ${plan.quality} ` +
          `(it came out at ${(webp.byteLength / 1024 / 1024).toFixed(2)} MiB).`,
        { maxBytes: o.maxBytes, bytes: webp.byteLength, plan },
      );
    }
    plan = next;
  }
}
