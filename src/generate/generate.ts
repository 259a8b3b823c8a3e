import sharp from 'sharp';
import { loadEmaGenerator } from '../checkpoint/gan-io.js';
import type { LoadedCheckpoint } from '../checkpoint/store.js';
import { type GanConfig, parseGanConfig } from '../gan/config.js';
import { latentFromSeed, nudgedLatent, slerp } from '../gan/latent.js';
import { disposeNet, type Net } from '../gan/net.js';
import { formatMaskId, type LatentRef, MAX_SEED } from './mask-id.js';
import { encodePng, renderLatents } from './render.js';

export interface GeneratedMask {
  id: string;
  ref: LatentRef;
  png: Buffer;
}

/** The latent vector a mask reference names. */
export function latentOf(ref: LatentRef, latentDim: number): Float32Array {
  const base = latentFromSeed(ref.seed, latentDim, ref.weirdness);
  return ref.nudge === undefined ? base : nudgedLatent(base, ref.nudge);
}

/**
 * The EMA generator of one checkpoint, ready to draw. Building it costs a few milliseconds to a
 * second; a long-running process keeps one and swaps it when a newer checkpoint appears.
 */
export class MaskPainter {
  readonly config: GanConfig;
  private readonly net: Net;

  constructor(readonly checkpoint: LoadedCheckpoint) {
    this.config = parseGanConfig(checkpoint.manifest.config);
    this.net = loadEmaGenerator(checkpoint);
  }

  get checkpointId(): string {
    return this.checkpoint.manifest.id;
  }

  /** One PNG per reference. The same checkpoint and reference give the same bytes. */
  async masks(refs: LatentRef[], outPx: number): Promise<GeneratedMask[]> {
    const images = await renderLatents(
      this.net,
      this.config,
      refs.map((r) => latentOf(r, this.config.latentDim)),
    );
    return Promise.all(
      images.map(async (pixels, i) => {
        const ref = refs[i] as LatentRef;
        const id = formatMaskId({ checkpointId: this.checkpointId, ...ref });
        return { id, ref, png: await encodePng(pixels, this.config.sizePx, outPx) };
      }),
    );
  }

  /** Raw RGB bytes at the generator's own size for `count` consecutive seeds: what the quality score reads. */
  async pixels(firstSeed: number, count: number): Promise<Uint8Array[]> {
    const latents = Array.from({ length: count }, (_, i) =>
      latentOf({ seed: (firstSeed + i) % (MAX_SEED + 1), weirdness: 1 }, this.config.latentDim),
    );
    return renderLatents(this.net, this.config, latents);
  }

  /**
   * An animated WebP that walks from one mask to another and back, so it loops without a jump.
   * Frames are spaced along the great circle between the two latents.
   */
  async morph(
    from: LatentRef,
    to: LatentRef,
    options: { frames: number; outPx: number; frameMs: number },
  ): Promise<Buffer> {
    const a = latentOf(from, this.config.latentDim);
    const b = latentOf(to, this.config.latentDim);
    const half = Array.from({ length: options.frames }, (_, i) =>
      slerp(a, b, easeInOut(i / (options.frames - 1))),
    );
    const latents = [...half, ...half.slice(1, -1).reverse()];
    const images = await renderLatents(this.net, this.config, latents);
    const frames = await Promise.all(
      images.map((pixels) => encodePng(pixels, this.config.sizePx, options.outPx)),
    );
    return sharp(frames, { join: { animated: true } })
      .webp({ loop: 0, delay: frames.map(() => options.frameMs), quality: 85, effort: 2 })
      .toBuffer();
  }

  dispose(): void {
    disposeNet(this.net);
  }
}

function easeInOut(t: number): number {
  return t * t * (3 - 2 * t);
}

export interface GenerateOptions {
  /** One mask per seed. */
  seeds: number[];
  weirdness: number;
  /** Output side in pixels; the generator's own size is upscaled with sharp. */
  outPx: number;
}

/** Draws masks with the EMA generator of a checkpoint. Same checkpoint and seed give the same bytes. */
export async function generateMasks(
  loaded: LoadedCheckpoint,
  options: GenerateOptions,
): Promise<GeneratedMask[]> {
  const painter = new MaskPainter(loaded);
  try {
    return await painter.masks(
      options.seeds.map((seed) => ({ seed, weirdness: options.weirdness })),
      options.outPx,
    );
  } finally {
    painter.dispose();
  }
}
