import sharp from 'sharp';
import type { GanConfig } from '../gan/config.js';
import { runGenerator } from '../gan/generator.js';
import type { Net } from '../gan/net.js';
import { tf } from '../gan/tf.js';

/** Images per forward pass: bounds memory when someone asks for a large grid. */
const RENDER_BATCH = 16;

/**
 * Runs the generator in inference mode (running batch-norm statistics), so each image depends only
 * on its own latent vector. Returns RGB bytes, `sizePx * sizePx * 3` per image.
 */
export async function renderLatents(
  net: Net,
  config: GanConfig,
  latents: Float32Array[],
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let start = 0; start < latents.length; start += RENDER_BATCH) {
    const chunk = latents.slice(start, start + RENDER_BATCH);
    const flat = new Float32Array(chunk.length * config.latentDim);
    for (const [i, z] of chunk.entries()) flat.set(z, i * config.latentDim);
    const bytes = tf.tidy(() => {
      const z = tf.tensor2d(flat, [chunk.length, config.latentDim]);
      const images = runGenerator(net, z, config, false).images;
      // [-1, 1] -> [0, 255], rounded the same way on every backend.
      return tf.cast(tf.round(tf.clipByValue(tf.mul(tf.add(images, 1), 127.5), 0, 255)), 'int32');
    });
    const values = await bytes.data();
    bytes.dispose();
    const per = config.sizePx * config.sizePx * 3;
    for (let i = 0; i < chunk.length; i++) out.push(Uint8Array.from(values.subarray(i * per, (i + 1) * per)));
  }
  return out;
}

/**
 * Encodes one image as PNG, upscaled to `outPx`. Lanczos keeps the shapes crisp without the blockiness
 * of nearest-neighbour; sharp's output is byte-for-byte stable for the same input and options.
 */
export async function encodePng(pixels: Uint8Array, sizePx: number, outPx: number): Promise<Buffer> {
  let image = sharp(Buffer.from(pixels), { raw: { width: sizePx, height: sizePx, channels: 3 } });
  if (outPx !== sizePx) image = image.resize(outPx, outPx, { kernel: 'lanczos3' });
  return image.png({ compressionLevel: 9, adaptiveFiltering: false }).toBuffer();
}

/** A grid of images as one PNG, `columns` wide, each cell `cellPx` square with a 2 px dark gutter. */
export async function encodeGrid(
  images: Uint8Array[],
  sizePx: number,
  options: { columns: number; cellPx: number },
): Promise<Buffer> {
  const { columns, cellPx } = options;
  const gutter = 2;
  const rows = Math.ceil(images.length / columns);
  const cells = await Promise.all(
    images.map((pixels) =>
      sharp(Buffer.from(pixels), { raw: { width: sizePx, height: sizePx, channels: 3 } })
        .resize(cellPx, cellPx, { kernel: sizePx < cellPx / 2 ? 'nearest' : 'lanczos3' })
        .png()
        .toBuffer(),
    ),
  );
  return sharp({
    create: {
      width: columns * (cellPx + gutter) + gutter,
      height: rows * (cellPx + gutter) + gutter,
      channels: 3,
      background: { r: 16, g: 12, b: 20 },
    },
  })
    .composite(
      cells.map((input, i) => ({
        input,
        left: gutter + (i % columns) * (cellPx + gutter),
        top: gutter + Math.floor(i / columns) * (cellPx + gutter),
      })),
    )
    .png()
    .toBuffer();
}
