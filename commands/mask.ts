import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from 'discord.js';
import type { SlashCommand } from '../src/bot/command.js';
import type { BotContext } from '../src/bot/context.js';
import { UserFacingError } from '../src/bot/errors.js';
import { listCheckpoints } from '../src/checkpoint/store.js';
import { WEIRDNESS_RANGE } from '../src/gan/latent.js';
import { MAX_SEED, parseMaskId, randomSeed } from '../src/generate/mask-id.js';

const SIZES = [128, 256, 512, 1024] as const;

const data = new SlashCommandBuilder()
  .setName('mask')
  .setDescription('Grow a fresh Halloween mask')
  .setContexts(InteractionContextType.Guild)
  .addIntegerOption((o) =>
    o.setName('count').setDescription('How many masks, 1 to 4').setMinValue(1).setMaxValue(4),
  )
  .addIntegerOption((o) =>
    o
      .setName('seed')
      .setDescription('The same seed gives the same mask (from the same checkpoint)')
      .setMinValue(0)
      .setMaxValue(MAX_SEED),
  )
  .addNumberOption((o) =>
    o
      .setName('weirdness')
      .setDescription('0 tame … 1 normal … 3 very strange')
      .setMinValue(WEIRDNESS_RANGE.min)
      .setMaxValue(WEIRDNESS_RANGE.max),
  )
  .addIntegerOption((o) =>
    o
      .setName('size')
      .setDescription('Image size in pixels')
      .addChoices(...SIZES.map((s) => ({ name: `${s} px`, value: s }))),
  )
  .toJSON();

/** Before the first checkpoint there is nothing to draw with: say how training is going instead. */
async function ensureCheckpoint(ctx: BotContext): Promise<void> {
  if ((await listCheckpoints(ctx.config.paths.checkpointsDir)).length > 0) return;
  const p = ctx.trainer.progress;
  const progress = p
    ? ` Training is at step ${p.step} (${p.imagesPerSecond.toFixed(1)} images/s on ${p.backend}).`
    : ' Training is starting up.';
  throw new UserFacingError(
    'no-checkpoint',
    `🌱 The masks are still growing: no checkpoint has been saved yet.${progress} The first one is saved within a few minutes; try again then!`,
  );
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  await ensureCheckpoint(ctx);
  const count = interaction.options.getInteger('count') ?? 1;
  const first = interaction.options.getInteger('seed') ?? randomSeed();
  const weirdness = interaction.options.getNumber('weirdness') ?? WEIRDNESS_RANGE.default;
  const outPx = interaction.options.getInteger('size') ?? 512;
  const refs = Array.from({ length: count }, (_, i) => ({ seed: (first + i) % (MAX_SEED + 1), weirdness }));
  await ctx.masks.submit(interaction, {
    kind: 'masks',
    refs,
    outPx,
    intro:
      count === 1 ? '🎭 Fresh from the pumpkin patch:' : `🎭 ${count} fresh masks from the pumpkin patch:`,
  });
}

/** Buttons under a mask: `mask:<reroll|vary|morph>:<mask id>`. The id holds all they need. */
async function button(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const [, action, maskId = ''] = interaction.customId.split(':');
  const ref = parseMaskId(maskId);
  if (!ref || !['reroll', 'vary', 'morph'].includes(action ?? '')) {
    throw new UserFacingError(
      'bad-button',
      'That button is from an older version of me and no longer works.',
    );
  }
  await interaction.deferReply();

  if (action === 'reroll') {
    await ctx.masks.submit(interaction, {
      kind: 'masks',
      refs: [{ seed: randomSeed(), weirdness: ref.weirdness }],
      outPx: 512,
      intro: '🎲 Rerolled:',
    });
  } else if (action === 'vary') {
    const base = randomSeed();
    await ctx.masks.submit(interaction, {
      kind: 'masks',
      refs: Array.from({ length: 4 }, (_, i) => ({
        seed: ref.seed,
        weirdness: ref.weirdness,
        nudge: (base + i) % (MAX_SEED + 1),
      })),
      outPx: 256,
      checkpointId: ref.checkpointId,
      intro: '🧬 Variations on a nightmare:',
    });
  } else {
    await ctx.masks.submit(interaction, {
      kind: 'morph',
      from: {
        seed: ref.seed,
        weirdness: ref.weirdness,
        ...(ref.nudge !== undefined && { nudge: ref.nudge }),
      },
      to: { seed: randomSeed(), weirdness: ref.weirdness },
      outPx: 256,
      checkpointId: ref.checkpointId,
    });
  }
}

export const command: SlashCommand = { data, execute, button };
