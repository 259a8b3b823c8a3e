import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import { z } from 'zod';

// Discord's documented name rule; chat-input names must also be lower case where a lower case exists.
const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

const name = z.string().regex(NAME_PATTERN);
const localizations = z.record(z.string(), z.string()).nullish();

const choice = z.looseObject({
  name: z.string().min(1).max(100),
  name_localizations: localizations,
  value: z.union([z.string().max(100), z.number()]),
});

export interface CommandOptionInput {
  type: number;
  name: string;
  description: string;
  required?: boolean | undefined;
  options?: CommandOptionInput[] | undefined;
  [key: string]: unknown;
}

const SUBCOMMAND_TYPES: ReadonlySet<number> = new Set([
  ApplicationCommandOptionType.Subcommand,
  ApplicationCommandOptionType.SubcommandGroup,
]);

/** Lower-case names, unique names, required options before optional ones: checked for every level. */
function checkOptionList(options: readonly CommandOptionInput[] | undefined, context: z.RefinementCtx): void {
  if (!options) return;
  const seen = new Set<string>();
  let optionalSeen = false;
  for (const [index, option] of options.entries()) {
    if (option.name !== option.name.toLowerCase()) {
      context.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: 'Command name is invalid',
        params: { discordCode: 'APPLICATION_COMMAND_INVALID_NAME' },
      });
    }
    if (seen.has(option.name)) {
      context.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `Option name ${option.name} is already used in these options`,
        params: { discordCode: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS' },
      });
    }
    seen.add(option.name);
    if (SUBCOMMAND_TYPES.has(option.type)) continue;
    if (option.required && optionalSeen) {
      context.addIssue({
        code: 'custom',
        path: [index, 'required'],
        message: 'Required options must be placed before non-required options',
        params: { discordCode: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID' },
      });
    }
    if (!option.required) optionalSeen = true;
  }
}

const option: z.ZodType<CommandOptionInput> = z.lazy(() =>
  z
    .looseObject({
      type: z.number().int().min(1).max(11),
      name,
      name_localizations: localizations,
      description: z.string().min(1).max(100),
      description_localizations: localizations,
      required: z.boolean().optional(),
      choices: z.array(choice).max(25).optional(),
      options: z.array(option).max(25).optional(),
      channel_types: z.array(z.number().int()).optional(),
      min_value: z.number().optional(),
      max_value: z.number().optional(),
      min_length: z.number().int().min(0).max(6000).optional(),
      max_length: z.number().int().min(1).max(6000).optional(),
      autocomplete: z.boolean().optional(),
    })
    .superRefine((value, context) => checkOptionList(value.options, context)),
);

/** A command as PUT or POST to /applications/:app/(guilds/:guild/)commands. */
export const commandBody = z
  .looseObject({
    name,
    name_localizations: localizations,
    type: z.number().int().min(1).max(4).optional(),
    description: z.string().max(100).optional(),
    description_localizations: localizations,
    options: z.array(option).max(25).optional(),
    default_member_permissions: z.string().regex(/^\d+$/).nullish(),
    dm_permission: z.boolean().nullish(),
    contexts: z.array(z.number().int().min(0).max(2)).nullish(),
    integration_types: z.array(z.number().int().min(0).max(1)).optional(),
    nsfw: z.boolean().optional(),
  })
  .superRefine((value, context) => {
    const chatInput = (value.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput;
    if (chatInput && value.name !== value.name.toLowerCase()) {
      context.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'Command name is invalid',
        params: { discordCode: 'APPLICATION_COMMAND_INVALID_NAME' },
      });
    }
    if (chatInput && (value.description ?? '').length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['description'],
        message: 'This field is required',
        params: { discordCode: 'BASE_TYPE_REQUIRED' },
      });
    }
    checkOptionList(value.options, context);
  });

export type CommandBody = z.output<typeof commandBody>;

/** A bulk overwrite: at most 100 commands (of one type), names unique per type. */
export const commandList = z
  .array(commandBody)
  .max(100)
  .superRefine((commands, context) => {
    const seen = new Set<string>();
    for (const [index, command] of commands.entries()) {
      const key = `${command.type ?? ApplicationCommandType.ChatInput}:${command.name}`;
      if (seen.has(key)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: 'Application command names must be unique',
          params: { discordCode: 'APPLICATION_COMMANDS_DUPLICATE_NAME' },
        });
      }
      seen.add(key);
    }
  });
