import { type Interaction, MessageFlags, type RepliableInteraction } from 'discord.js';
import type { SlashCommand } from './command.js';
import type { BotContext } from './context.js';
import { UserFacingError } from './errors.js';

/**
 * The one error boundary around every interaction. It acknowledges first (Discord allows 3 s), then
 * runs the handler; a mistake the user can fix is shown to that user alone, anything else is logged
 * with its context and answered briefly.
 */
export function createInteractionHandler(commands: ReadonlyMap<string, SlashCommand>, ctx: BotContext) {
  return async (interaction: Interaction): Promise<void> => {
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    const name = interaction.isChatInputCommand()
      ? interaction.commandName
      : interaction.customId.split(':')[0];
    const log = ctx.logger.child({
      interactionId: interaction.id,
      command: name,
      ...(interaction.isChatInputCommand() && { subcommand: interaction.options.getSubcommand(false) }),
      ...(interaction.isButton() && { customId: interaction.customId }),
      userId: interaction.user.id,
      guildId: interaction.guildId,
    });
    const command = name ? commands.get(name) : undefined;

    try {
      if (interaction.isChatInputCommand()) {
        if (!command) throw new UserFacingError('unknown-command', 'I do not know that command any more.');
        const ephemeral = command.ephemeral?.(interaction) ?? false;
        await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
        await command.execute(interaction, ctx);
      } else {
        if (!command?.button)
          throw new UserFacingError('unknown-button', 'That button no longer does anything.');
        await command.button(interaction, ctx);
      }
      log.debug('interaction handled');
    } catch (err) {
      await answerError(interaction, err, log);
    }
  };
}

async function answerError(
  interaction: RepliableInteraction,
  err: unknown,
  log: BotContext['logger'],
): Promise<void> {
  const userFacing = err instanceof UserFacingError;
  if (userFacing) log.info({ code: err.code }, 'refused');
  else log.error({ err }, 'interaction failed');
  const content = userFacing
    ? err.message
    : '💀 Something went wrong on my side. It is logged; please try again in a moment.';

  try {
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    } else if (interaction.ephemeral) {
      await interaction.editReply({ content, embeds: [], components: [], files: [] });
    } else {
      // A public "thinking…" reply must not carry one user's mistake: replace it with a private note.
      await interaction.deleteReply().catch(() => undefined);
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    }
  } catch (replyErr) {
    log.warn({ err: replyErr }, 'could not tell the user about the error');
  }
}
