import { createRequire } from 'node:module';
import path from 'node:path';
import { tf } from '../gan/tf.js';

/**
 * Image features for the quality score: the ImageNet-trained InceptionV3 that the `nsfwjs` package
 * ships (pinned to 4.4.0 in package.json), cut at `mixed4` and averaged over space. nsfwjs fine-tuned
 * only the later layers for its own classes, so the layers up to `mixed4` still hold the ImageNet
 * weights; that makes these features a general description of an image, like FID's, though numbers
 * made with them are comparable only with each other, never with published FIDs.
 */

/** The layer whose spatially averaged activations are the features. */
export const FEATURE_LAYER = 'mixed4';
/** Images are scaled to half InceptionV3's native 299 px: a quarter of the cost, and still above 128 px. */
export const DEFAULT_INPUT_PX = 149;

/** Relative to the package's CommonJS entry point; the package's `exports` hide the folder itself. */
const MODEL_DIR = '../models/inception_v3';
const SHARDS = 6;

interface ModelJson {
  modelTopology: { model_config: { config: { layers: Array<{ name: string }> } } };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

export class FeatureExtractor {
  private constructor(
    private readonly model: tf.LayersModel,
    /** Side of the square the images are scaled to before the network sees them. */
    readonly inputPx: number,
  ) {}

  /** Loads the network from the installed package; no network connection, about a second. */
  static async load(inputPx = DEFAULT_INPUT_PX): Promise<FeatureExtractor> {
    const require = createRequire(import.meta.url);
    let json: ModelJson;
    let dir: string;
    try {
      dir = path.join(path.dirname(require.resolve('nsfwjs')), MODEL_DIR);
      json = require(path.join(dir, 'model.min.js')) as ModelJson;
    } catch (err) {
      throw new Error(
        `the quality score needs the npm package nsfwjs@4.4.0 (run npm install): ${(err as Error).message.split('\n')[0]}`,
      );
    }
    const manifest = json.weightsManifest[0];
    if (json.weightsManifest.length !== 1 || manifest === undefined || manifest.paths.length !== SHARDS)
      throw new Error('nsfwjs ships an InceptionV3 laid out differently from 4.4.0; pin nsfwjs@4.4.0');
    const parts = manifest.paths.map((p) =>
      Buffer.from(require(path.join(dir, `${p}.min.js`)) as string, 'base64'),
    );
    const weights = Buffer.concat(parts);
    // Every convolution before `mixed4` is valid-padded or strided, so any input of at least 75 px
    // works; the stored topology fixes 299, so the input layer is rewritten to the size asked for.
    const topology = structuredClone(json.modelTopology);
    const input = topology.model_config.config.layers[0] as { config?: { batch_input_shape?: unknown } };
    if (input.config?.batch_input_shape === undefined)
      throw new Error('nsfwjs ships an InceptionV3 laid out differently from 4.4.0; pin nsfwjs@4.4.0');
    input.config.batch_input_shape = [null, inputPx, inputPx, 3];
    // Layers after the feature layer are nsfwjs's own classifier and are never run: drop them.
    const config = topology.model_config.config as {
      layers: Array<{ name: string }>;
      output_layers: unknown;
    };
    const last = config.layers.findIndex((layer) => layer.name === FEATURE_LAYER);
    config.layers = config.layers.slice(0, last + 1);
    config.output_layers = [[FEATURE_LAYER, 0, 0]];
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology,
        weightSpecs: manifest.weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
      { strict: false },
    );
    return new FeatureExtractor(model, inputPx);
  }

  /** Number of features per image: the channels of the feature layer. */
  get dimension(): number {
    const shape = this.model.outputs[0]?.shape;
    return shape?.[shape.length - 1] ?? 0;
  }

  /**
   * Features of a batch of images given as NHWC RGB bytes (0–255); returns one row per image.
   * The network was trained on inputs in [-1, 1], like Keras's InceptionV3.
   */
  async features(pixels: Uint8Array, count: number, sizePx: number): Promise<Float32Array> {
    const out = tf.tidy(() => {
      const images = tf.tensor4d(pixels, [count, sizePx, sizePx, 3], 'int32').toFloat();
      const scaled =
        sizePx === this.inputPx ? images : tf.image.resizeBilinear(images, [this.inputPx, this.inputPx]);
      const input = scaled.div(127.5).sub(1);
      const maps = this.model.predict(input) as tf.Tensor4D;
      return maps.mean([1, 2]);
    });
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return data;
  }

  dispose(): void {
    this.model.dispose();
  }
}
