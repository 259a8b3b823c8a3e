import { loadEmaGenerator } from '../checkpoint/gan-io.js';
import type { LoadedCheckpoint } from '../checkpoint/store.js';
import { parseGanConfig } from '../gan/config.js';
import { latentFromSeed } from '../gan/latent.js';
import { disposeNet } from '../gan/net.js';
import { formatMaskId } from './mask-id.js';
import { encodePng, renderLatents } from './render.js';

export interface GeneratedMask {
  id: string;
  seed: number;
  png: Buffer;
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
  const config = parseGanConfig(loaded.manifest.config);
  const net = loadEmaGenerator(loaded);
  try {
    const latents = options.seeds.map((seed) => latentFromSeed(seed, config.latentDim, options.weirdness));
    const images = await renderLatents(net, config, latents);
    return await Promise.all(
      images.map(async (pixels, i) => {
        const seed = options.seeds[i] as number;
        const id = formatMaskId({ checkpointId: loaded.manifest.id, seed, weirdness: options.weirdness });
        return { id, seed, png: await encodePng(pixels, config.sizePx, options.outPx) };
      }),
    );
  } finally {
    disposeNet(net);
  }
}
