import { isSlashCommand, type SlashCommand } from '../src/bot/command.js';
import { command as mask } from './mask.js';
import { command as nightmare } from './nightmare.js';
import { command as train } from './train.js';

/** Every slash command, checked once when loaded so that a broken module fails at start-up. */
export function loadCommands(): Map<string, SlashCommand> {
  const commands = new Map<string, SlashCommand>();
  for (const command of [mask, nightmare, train]) {
    if (!isSlashCommand(command)) throw new Error('a module in commands/ does not export a valid command');
    if (commands.has(command.data.name)) throw new Error(`two commands are named '${command.data.name}'`);
    commands.set(command.data.name, command);
  }
  return commands;
}
