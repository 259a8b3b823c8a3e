// Writes checkpoints of a small GAN in a loop until killed; the kill test's victim.
import { snapshotGan } from '../../src/checkpoint/gan-io.js';
import { writeCheckpoint } from '../../src/checkpoint/store.js';
import { parseGanConfig } from '../../src/gan/config.js';
import { createGan } from '../../src/gan/gan.js';
import { tf } from '../../src/gan/tf.js';
import { tinyConfig } from './tiny-gan.js';

const dir = process.argv[2] as string;
// Wider than the unit-test nets, so that each save takes long enough to be killed in the middle.
const gan = createGan(parseGanConfig({ ...tinyConfig, width: 32 }), 1);
for (;;) {
  gan.step += 1;
  await writeCheckpoint(
    dir,
    {
      step: gan.step,
      createdAt: new Date().toISOString(),
      config: gan.config,
      versions: { nightmask: 'test', tfjs: tf.version.tfjs, node: process.version },
      backend: tf.getBackend(),
      optimizerSteps: { generator: 0, discriminator: 0 },
      rngState: 0,
      trainer: {},
    },
    await snapshotGan(gan),
  );
  process.send?.('saved');
}
