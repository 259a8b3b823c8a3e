import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  EmbedBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from 'discord.js';
import type { SlashCommand } from '../src/bot/command.js';
import type { BotContext } from '../src/bot/context.js';
import { humanDuration, UserFacingError } from '../src/bot/errors.js';
import { audit, requireModerator } from '../src/bot/permissions.js';
import { sharedTimelapse } from '../src/timelapse/cache.js';
import { TimelapseError } from '../src/timelapse/errors.js';
import { COPYING_RATIO, formatKid } from '../src/trainer/quality.js';
import { readStatus } from '../src/trainer/status-file.js';

const data = new SlashCommandBuilder()
  .setName('train')
  .setDescription('How the mask GAN is learning, and (for moderators) steering it')
  // Moderator-only by default; a server admin may open the command to everyone in the server's
  // integration settings, and then `status` works for all while the rest is still checked here.
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s.setName('status').setDescription('Step, speed, losses, backend and the latest sample grid'),
  )
  .addSubcommand((s) =>
    s
      .setName('timelapse')
      .setDescription('The sample grids of this run as an animation, from noise to nightmare'),
  )
  .addSubcommand((s) => s.setName('pause').setDescription('Pause training (masks are still served)'))
  .addSubcommand((s) => s.setName('resume').setDescription('Resume training'))
  .addSubcommand((s) =>
    s
      .setName('retrain')
      .setDescription('Retrain: fine-tune on new data, or start over from scratch')
      .addStringOption((o) =>
        o
          .setName('mode')
          .setDescription('finetune keeps what it learned; scratch starts over')
          .setRequired(true)
          .addChoices(
            { name: 'fine-tune on the current data', value: 'finetune' },
            { name: 'from scratch', value: 'scratch' },
          ),
      ),
  )
  .toJSON();

/** Before the first step the losses are NaN, which JSON (status.json, the IPC channel) turns into null. */
function lossText(loss: number | null): string {
  return typeof loss === 'number' && Number.isFinite(loss) ? loss.toFixed(3) : '–';
}

async function status(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const p = ctx.trainer.progress ?? (await readStatus(ctx.config.paths.modelsDir));
  if (!p) {
    await interaction.editReply('🌱 The trainer is starting up; no numbers yet. Ask again in a minute.');
    return;
  }
  const since = p.lastCheckpoint ? humanDuration(ctx.now() - Date.parse(p.lastCheckpoint.at)) : 'none yet';
  const stopped = ctx.trainer.stoppedBecause;
  const state = stopped
    ? '⛔ stopped'
    : !ctx.trainer.running
      ? '⚠️ restarting'
      : p.paused
        ? '⏸️ paused'
        : '▶️ training';
  const embed = new EmbedBuilder()
    .setTitle(`Mask GAN: ${state}`)
    .setColor(0x6a0dad)
    .addFields(
      { name: 'Step', value: String(p.step), inline: true },
      { name: 'Speed', value: `${p.imagesPerSecond.toFixed(2)} images/s`, inline: true },
      { name: 'Backend', value: `${p.backend} (${p.device})`, inline: true },
      {
        name: 'Losses',
        value: `D ${lossText(p.discriminatorLoss)} · G ${lossText(p.generatorLoss)}`,
        inline: true,
      },
      { name: 'Model', value: `${p.sizePx} px, width ${p.width}, batch ${p.batchSize}`, inline: true },
      {
        name: 'Last checkpoint',
        value: p.lastCheckpoint ? `step ${p.lastCheckpoint.step}, ${since} ago` : since,
        inline: true,
      },
    )
    .setDescription(
      stopped ? `Training stopped: ${stopped}. Masks are still served from the last checkpoint.` : null,
    )
    .setFooter({ text: `${p.trainImages} training images (${p.datasetImages - p.trainImages} held out)` });
  if (p.rollbacks && p.rollbacks.used > 0 && p.learningRate !== undefined) {
    embed.addFields({
      name: 'Diverged',
      value:
        `rolled back ${p.rollbacks.used} of ${p.rollbacks.max} times, ` +
        `learning rate now ${p.learningRate.toExponential(1)}`,
      inline: true,
    });
  }
  if (p.quality) {
    const { latest, best } = p.quality;
    const copying =
      latest.nearestRatio !== null && latest.nearestRatio < COPYING_RATIO
        ? ' ⚠️ close to training images'
        : '';
    embed.addFields({
      name: 'Quality (KID, lower is better)',
      value:
        `${formatKid(latest)} at step ${latest.step}${copying}` +
        (best.checkpointId === latest.checkpointId
          ? ' (best so far)'
          : `\nbest ${formatKid(best)} at step ${best.step}`),
      inline: false,
    });
  }
  const files: AttachmentBuilder[] = [];
  const grid = await readFile(join(ctx.config.paths.samplesDir, 'latest.png')).catch(() => undefined);
  if (grid) {
    files.push(new AttachmentBuilder(grid, { name: 'latest-samples.png' }));
    embed.setImage('attachment://latest-samples.png');
  }
  await interaction.editReply({ embeds: [embed], files });
}

/** Kind words for a run too young to animate, by what was missing. */
const TOO_EARLY: Partial<Record<TimelapseError['code'], string>> = {
  'no-models': '🌱 Nothing has been trained here yet, so there is nothing to animate.',
  'no-grids': '🌱 The trainer has not written a sample grid yet. Ask again in a few minutes.',
  'too-few-grids':
    '🌱 There are not enough sample grids yet: a timelapse needs two, and the trainer writes one ' +
    'every few minutes. Ask again a little later.',
};

/** The run's sample grids as an animated WebP, for anyone who can see /train. */
async function timelapse(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const made = await sharedTimelapse(ctx.config.paths, ctx.logger)
    .get()
    .catch((err: unknown) => {
      const kind = err instanceof TimelapseError ? TOO_EARLY[err.code] : undefined;
      throw kind ? new UserFacingError('timelapse-too-early', kind) : err;
    });
  const steps = `steps ${made.firstStep.toLocaleString('en-US')} to ${made.lastStep.toLocaleString('en-US')}`;
  await interaction.editReply({
    content: `🎞️ **From noise to nightmare:** ${made.frames} sample grids of this run, ${steps}.`,
    files: [new AttachmentBuilder(made.webp, { name: 'nightmask-timelapse.webp' })],
  });
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const sub = interaction.options.getSubcommand(true);
  if (sub === 'status') return status(interaction, ctx);
  if (sub === 'timelapse') return timelapse(interaction, ctx);
  requireModerator(interaction, ctx);

  if (sub === 'pause' || sub === 'resume') {
    if (!ctx.trainer.send({ type: sub }))
      throw new UserFacingError('trainer-down', 'The trainer is restarting; try again shortly.');
    audit(ctx, interaction, `train.${sub}`);
    await interaction.editReply(
      sub === 'pause' ? '⏸️ Training paused. Masks are still served.' : '▶️ Training resumed.',
    );
    return;
  }

  const mode = interaction.options.getString('mode', true);
  if (mode === 'finetune') {
    if (!ctx.trainer.send({ type: 'retrain', mode: 'finetune' })) {
      throw new UserFacingError('trainer-down', 'The trainer is restarting; try again shortly.');
    }
    audit(ctx, interaction, 'train.retrain', { mode });
    await interaction.editReply('🔁 Fine-tuning on the current data set, keeping what the GAN has learned.');
    return;
  }
  // Starting over throws away days of training: ask first, and only the asker may confirm.
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`train:scratch-confirm:${interaction.user.id}`)
      .setLabel('Yes, start over')
      .setStyle(ButtonStyle.Danger),
    new ButtonBuilder()
      .setCustomId(`train:scratch-cancel:${interaction.user.id}`)
      .setLabel('Cancel')
      .setStyle(ButtonStyle.Secondary),
  );
  await interaction.editReply({
    content:
      '⚠️ Retrain from scratch? Everything the GAN has learned is set aside (checkpoints already saved stay on disk).',
    components: [row],
  });
}

async function button(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const [, action, askerId] = interaction.customId.split(':');
  if (interaction.user.id !== askerId) {
    throw new UserFacingError('not-yours', 'Only the moderator who asked can answer this.');
  }
  requireModerator(interaction, ctx);
  if (action === 'scratch-cancel') {
    await interaction.update({ content: 'Cancelled: training goes on as before.', components: [] });
    return;
  }
  if (!ctx.trainer.send({ type: 'retrain', mode: 'scratch' })) {
    throw new UserFacingError('trainer-down', 'The trainer is restarting; try again shortly.');
  }
  audit(ctx, interaction, 'train.retrain', { mode: 'scratch' });
  await interaction.update({
    content: '🌱 Retraining from scratch. The first new checkpoint comes in a few minutes.',
    components: [],
  });
}

export const command: SlashCommand = {
  data,
  execute,
  button,
  ephemeral: (i) => !['status', 'timelapse'].includes(i.options.getSubcommand(false) ?? ''),
};
