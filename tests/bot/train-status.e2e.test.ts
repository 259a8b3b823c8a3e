import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployCommands } from '../../src/bot/deploy.js';
import type { RunningBot } from '../../src/bot/run-bot.js';
import type { Config } from '../../src/config/config.js';
import type { TrainerProgress } from '../../src/trainer/protocol.js';
import type { FakeDiscord } from '../support/fake-discord/index.js';
import { bootBot, cleanup, makeInstall, startWorld } from './harness.js';

let fake: FakeDiscord;
let bot: RunningBot | undefined;
let root: string;
let config: Config;

beforeEach(async () => {
  fake = await startWorld();
  ({ root, config } = await makeInstall(fake));
  await deployCommands(config);
});
afterEach(async () => {
  await cleanup({ bot, fake, root });
  bot = undefined;
});

const PATCH_ORIGINAL = 'PATCH /webhooks/:app/:token/messages/:message';

function progress(quality: TrainerProgress['quality']): TrainerProgress {
  return {
    step: 4200,
    imagesPerSecond: 71.5,
    discriminatorLoss: 1.2,
    generatorLoss: 0.8,
    backend: 'native',
    device: 'CPU (native kernels, test)',
    sizePx: 64,
    width: 32,
    batchSize: 16,
    datasetImages: 796,
    trainImages: 722,
    ...(quality ? { quality } : {}),
    paused: false,
    updatedAt: new Date().toISOString(),
  };
}

async function askStatus(): Promise<{ title: string; fields: Array<{ name: string; value: string }> }> {
  const id = fake.sendInteraction({
    kind: 'slash',
    name: 'train',
    subcommand: 'status',
    userId: fake.user('alice').id,
  }).id;
  const edit = await fake.waitFor(
    () => fake.interactionEvents(id).find((e) => e.route === PATCH_ORIGINAL && e.status === 200),
    { description: 'the status reply' },
  );
  const embeds = (
    edit.json as { embeds: Array<{ title: string; fields: Array<{ name: string; value: string }> }> }
  ).embeds;
  return embeds[0] as { title: string; fields: Array<{ name: string; value: string }> };
}

describe('/train status quality line', () => {
  it('given scored checkpoints, then the latest KID and the best one are shown, with a warning when masks copy', async () => {
    const latest = {
      step: 4200,
      checkpointId: 'step-000004200-aaaaaaaa',
      kid: 0.0912,
      kidStderr: 0.0031,
      nearestRatio: 0.3,
    };
    const best = {
      step: 3600,
      checkpointId: 'step-000003600-bbbbbbbb',
      kid: 0.0855,
      kidStderr: 0.0029,
      nearestRatio: 1.1,
    };
    await mkdir(config.paths.modelsDir, { recursive: true });
    await writeFile(join(config.paths.modelsDir, 'status.json'), JSON.stringify(progress({ latest, best })));
    bot = await bootBot(config);

    const embed = await askStatus();
    const field = embed.fields.find((f) => f.name.startsWith('Quality'));
    expect(field?.value).toMatch(
      /^0\.0912 ± 0\.0031 at step 4200 ⚠️ close to training images\nbest 0\.0855 ± 0\.0029 at step 3600$/,
    );
  });

  it('given no score yet and no step yet, then there is no quality line and the losses show as dashes', async () => {
    await mkdir(config.paths.modelsDir, { recursive: true });
    // Before the first step the losses are NaN, which JSON writes as null.
    const fresh = {
      ...progress(undefined),
      step: 0,
      discriminatorLoss: Number.NaN,
      generatorLoss: Number.NaN,
    };
    await writeFile(join(config.paths.modelsDir, 'status.json'), JSON.stringify(fresh));
    bot = await bootBot(config);
    const embed = await askStatus();
    expect(embed.fields.map((f) => f.name)).not.toContain('Quality (KID, lower is better)');
    expect(embed.fields.find((f) => f.name === 'Losses')?.value).toBe('D – · G –');
  });
});
