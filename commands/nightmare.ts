import {
  ChannelType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from 'discord.js';
import type { SlashCommand } from '../src/bot/command.js';
import type { BotContext } from '../src/bot/context.js';
import { UserFacingError } from '../src/bot/errors.js';
import { NIGHTLY_PERMISSIONS } from '../src/bot/nightly-post.js';
import { audit, isModerator, requireModerator } from '../src/bot/permissions.js';
import { describeNight, formatDate, localDateAt } from '../src/schedule/index.js';
import type { GuildSettings } from '../src/store/index.js';

const data = new SlashCommandBuilder()
  .setName('nightmare')
  .setDescription('The nightly nightmare: a fresh mask and a countdown every night up to Halloween')
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('channel')
      .setDescription('Post the nightly nightmare in this channel')
      .addChannelOption((o) =>
        o
          .setName('channel')
          .setDescription('Where to post')
          .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement)
          .setRequired(true),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('time')
      .setDescription('When to post, in your time zone')
      .addStringOption((o) =>
        o.setName('time').setDescription('24-hour local time, like 21:00').setRequired(true),
      )
      .addStringOption((o) =>
        o
          .setName('zone')
          .setDescription('IANA time zone, like Europe/London or America/New_York')
          .setRequired(true),
      )
      .addStringOption((o) =>
        o
          .setName('season_start')
          .setDescription('First night of the season, MM-DD (default 10-01); it ends on Halloween'),
      ),
  )
  .addSubcommand((s) => s.setName('off').setDescription('Stop posting nightly nightmares here'))
  .addSubcommand((s) => s.setName('now').setDescription("Post tonight's nightmare now, if it is not out yet"))
  .addSubcommand((s) => s.setName('status').setDescription('Channel, time, the next post and the season'))
  .toJSON();

/** What the bot lacks for a nightly post in a channel, by name; empty when all is well or unknown. */
function missingPostPermissions(ctx: BotContext, channelId: string): string[] {
  const channel = ctx.client.channels.cache.get(channelId);
  const me = ctx.client.user;
  if (!channel || channel.isDMBased() || !('permissionsFor' in channel) || !me) return [];
  const permissions = channel.permissionsFor(me);
  return NIGHTLY_PERMISSIONS.filter(([flag]) => !permissions?.has(flag)).map(([, name]) => name);
}

/** A server that never chose a season start gets the one in SEASON_START. */
function seasonDefault(ctx: BotContext, guildId: string): { seasonStart?: string } {
  return ctx.store.guilds.get(guildId)?.seasonStart ? {} : { seasonStart: ctx.config.nightly.seasonStart };
}

function describe(settings: GuildSettings | null, ctx: BotContext, guildId: string): string {
  if (!settings?.channelId) return 'No channel is set yet. Choose one with `/nightmare channel`.';
  const lines = [
    `Channel: <#${settings.channelId}>`,
    `Time: ${settings.time} (${settings.timeZone})`,
    `Posting: ${settings.enabled ? 'on' : 'off'}`,
  ];
  const today = localDateAt(ctx.now(), settings.timeZone);
  const start = settings.seasonStart ?? ctx.config.nightly.seasonStart;
  const [month, day] = start.split('-').map(Number);
  const night = describeNight(today, { month: month ?? 10, day: day ?? 1 });
  if (!night.inSeason) {
    lines.push(`🍂 Out of season. The next season starts on ${formatDate(night.nextSeasonStart)}.`);
  } else {
    lines.push(`🎃 ${night.countdown.replace(/\.$/, '')}.`);
  }
  const next = ctx.nightly?.nextSlotFor(guildId);
  if (settings.enabled && next)
    lines.push(`Next post: <t:${Math.floor(next.at / 1000)}:F> (night of ${next.night}).`);
  return lines.join('\n');
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  if (!interaction.inGuild())
    throw new UserFacingError('guild-only', 'The nightly nightmare is set per server.');
  const guildId = interaction.guildId;
  const sub = interaction.options.getSubcommand(true);
  if (sub !== 'status') requireModerator(interaction, ctx);

  // A night that could not be posted is reported to the next moderator who comes by.
  const notice = isModerator(interaction, ctx) ? ctx.store.guilds.takeNotice(guildId) : null;
  const prefix = notice ? `⚠️ ${notice.text}\n\n` : '';
  const reply = (text: string) => interaction.editReply(prefix + text);

  if (sub === 'status') {
    await reply(describe(ctx.store.guilds.get(guildId), ctx, guildId));
    return;
  }
  if (sub === 'channel') {
    const channel = interaction.options.getChannel('channel', true);
    const saved = ctx.store.guilds.update(guildId, {
      channelId: channel.id,
      enabled: true,
      ...seasonDefault(ctx, guildId),
    });
    if (!saved.ok) throw new UserFacingError('bad-setting', saved.error.message);
    ctx.nightly?.reschedule(guildId);
    audit(ctx, interaction, 'nightmare.channel', { channelId: channel.id });
    const missing = missingPostPermissions(ctx, channel.id);
    const warning =
      missing.length > 0 ? `\n⚠️ I may not post there yet: I need ${missing.join(', ')} in that channel.` : '';
    await reply(
      `🌘 Nightly nightmares will appear in <#${channel.id}>.${warning}\n${describe(saved.value, ctx, guildId)}`,
    );
    return;
  }
  if (sub === 'time') {
    const time = interaction.options.getString('time', true).trim();
    const zone = interaction.options.getString('zone', true).trim();
    const seasonStart = interaction.options.getString('season_start')?.trim();
    const saved = ctx.store.guilds.update(guildId, {
      time,
      timeZone: zone,
      enabled: true,
      ...(seasonStart ? { seasonStart } : seasonDefault(ctx, guildId)),
    });
    if (!saved.ok) throw new UserFacingError('bad-setting', saved.error.message);
    ctx.nightly?.reschedule(guildId);
    audit(ctx, interaction, 'nightmare.time', { time, zone });
    await reply(
      `🕰️ Nightly nightmares at ${saved.value.time} ${saved.value.timeZone}.\n${describe(saved.value, ctx, guildId)}`,
    );
    return;
  }
  if (sub === 'off') {
    const saved = ctx.store.guilds.update(guildId, { enabled: false });
    if (!saved.ok) throw new UserFacingError('bad-setting', saved.error.message);
    ctx.nightly?.reschedule(guildId);
    audit(ctx, interaction, 'nightmare.off');
    await reply('💤 No more nightly nightmares here until you set a channel or time again.');
    return;
  }

  // now
  if (!ctx.nightly) throw new UserFacingError('no-schedule', 'The nightly schedule is not running.');
  audit(ctx, interaction, 'nightmare.now');
  const outcome = await ctx.nightly.postNow(guildId);
  const text =
    outcome.kind === 'posted'
      ? `🎃 Posted tonight's nightmare (night of ${outcome.night}).`
      : outcome.kind === 'already'
        ? `Tonight's nightmare (night of ${outcome.night}) is already ${outcome.state === 'posted' ? 'out' : outcome.state}.`
        : outcome.kind === 'not-configured'
          ? 'No channel is set yet. Choose one with `/nightmare channel`.'
          : outcome.kind === 'out-of-season'
            ? `🍂 It is not the season: the next one starts on ${outcome.nextSeasonStart}.`
            : outcome.kind === 'skipped'
              ? `I could not post: ${ctx.store.guilds.takeNotice(guildId)?.text ?? outcome.reason}`
              : `Posting failed (${outcome.error}); I will try again within the grace window.`;
  await reply(text);
}

export const command: SlashCommand = { data, execute, ephemeral: () => true };
