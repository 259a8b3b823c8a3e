import type {
  ButtonInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { BotContext } from './context.js';

/**
 * One slash command, as each file in commands/ exports it. The router acknowledges the interaction
 * before calling `execute`, so handlers only ever edit or follow up.
 */
export interface SlashCommand {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Whether the deferred reply is visible to the caller only. Default: public. */
  ephemeral?(interaction: ChatInputCommandInteraction): boolean;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  /** Buttons whose custom id starts with `<data.name>:` come here. */
  button?(interaction: ButtonInteraction, ctx: BotContext): Promise<void>;
}

/** Checks a module's export when commands are loaded, so a broken command fails at start, not at use. */
export function isSlashCommand(value: unknown): value is SlashCommand {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<SlashCommand>;
  return (
    typeof c.data === 'object' &&
    c.data !== null &&
    typeof c.data.name === 'string' &&
    /^[-_a-z0-9]{1,32}$/.test(c.data.name) &&
    typeof c.execute === 'function'
  );
}
