import { createHash } from 'node:crypto';
import {
  ChannelType,
  type Client,
  DiscordAPIError,
  PermissionFlagsBits,
  type REST,
  Routes,
} from 'discord.js';
import type { GeneratorClient } from '../generate/client.js';
import type { Logger } from '../log/logger.js';
import type { Night, PostFn } from '../schedule/post.js';
import type { Store } from '../store/index.js';
import { finaleTimelapse } from '../timelapse/finale.js';
import type { RunFolders } from '../timelapse/grids.js';
import type { Timelapse } from '../timelapse/timelapse.js';
import { masksMessage, type OutgoingMessage, totalBytes } from './mask-message.js';

/** The permissions a nightly post needs in its channel, with the names moderators see. */
export const NIGHTLY_PERMISSIONS = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.AttachFiles, 'Attach Files'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;

// Channels that no longer exist or that the bot cannot see.
const GONE_CODES = new Set([10003, 50001]);

/** A nightly mask is a little stranger than the usual one. */
export const NIGHTLY_WEIRDNESS = 1.25;

/** The bot's recent message carrying the night's mask (its id holds the seed), if there is one. */
async function findEarlierPost(
  rest: REST,
  channelId: string,
  botId: string,
  seed: number,
): Promise<string | undefined> {
  try {
    const recent = (await rest.get(Routes.channelMessages(channelId), {
      query: new URLSearchParams({ limit: '50' }),
    })) as Array<{ id: string; author: { id: string }; embeds?: Array<{ footer?: { text?: string } }> }>;
    const marker = `.${seed}.w`;
    return recent.find(
      (m) => m.author.id === botId && m.embeds?.some((e) => e.footer?.text?.includes(marker)),
    )?.id;
  } catch {
    // Without Read Message History the nonce is the only guard left; post as the first attempt would.
    return undefined;
  }
}

/** The seed of a server's mask for a night: the same on every attempt, different every night. */
export function nightlySeed(guildId: string, nightDate: string): number {
  return createHash('sha256').update(`${guildId}:${nightDate}`).digest().readUInt32BE(0);
}

export function nightlyCaption(night: Night): string {
  return night.isFinale
    ? `🎃 **Happy Halloween!** The last nightmare of the season. ${night.countdown}`
    : `🌘 **Tonight's nightmare.** ${night.countdown}.`;
}

/** The line under the finale's caption when its timelapse came along. */
export function timelapseLine(made: Timelapse): string {
  return `🎞️ From noise to nightmare: how the masks grew, in ${made.frames} sample grids.`;
}

/** Adds the season's timelapse to the finale's message, after the mask it already carries. */
function withTimelapse(message: OutgoingMessage, made: Timelapse): OutgoingMessage {
  const name = 'nightmask-timelapse.webp';
  return {
    body: {
      ...message.body,
      content: `${message.body.content ?? ''}\n${timelapseLine(made)}`,
      attachments: [...(message.body.attachments ?? []), { id: message.files.length, filename: name }],
    },
    files: [...message.files, { name, data: made.webp, contentType: 'image/webp' }],
  };
}

/**
 * Delivers a night to Discord: checks the channel and the bot's permissions there before drawing
 * anything, then posts with the night's nonce and `enforce_nonce`, so that a retry after a crash
 * between sending and confirming gets the first message back instead of posting twice. On Halloween
 * the post also carries the run's timelapse (from `folders`) when it can be made in time.
 */
export function discordNightlyPoster(deps: {
  client: Client;
  rest: REST;
  generator: GeneratorClient;
  store: Store;
  logger: Logger;
  folders: RunFolders;
}): PostFn {
  return async (guildId, night, signal) => {
    const channelId = deps.store.guilds.get(guildId)?.channelId;
    if (!channelId) return { kind: 'skipped', reason: 'no-channel' };

    let channel: Awaited<ReturnType<Client['channels']['fetch']>>;
    try {
      channel = await deps.client.channels.fetch(channelId);
    } catch (err) {
      if (err instanceof DiscordAPIError && GONE_CODES.has(Number(err.code))) {
        return { kind: 'skipped', reason: 'channel-gone' };
      }
      throw err;
    }
    if (
      !channel ||
      channel.isDMBased() ||
      !channel.isTextBased() ||
      channel.type === ChannelType.GuildVoice
    ) {
      return { kind: 'skipped', reason: 'channel-gone' };
    }
    const me = deps.client.user;
    const permissions = me ? channel.permissionsFor(me) : null;
    const missing = NIGHTLY_PERMISSIONS.filter(([flag]) => !permissions?.has(flag)).map(([, name]) => name);
    if (missing.length > 0)
      return { kind: 'skipped', reason: 'missing-permissions', detail: missing.join(', ') };

    const seed = nightlySeed(guildId, night.nightDate);
    // A retry may follow a crash between sending and confirming, possibly after Discord has forgotten
    // the nonce: look for the first attempt's message before posting again.
    if (night.attempt > 1 && me) {
      const earlier = await findEarlierPost(deps.rest, channelId, me.id, seed);
      if (earlier) {
        deps.logger.info(
          { guildId, nightDate: night.nightDate, messageId: earlier },
          'the night was already posted',
        );
        return { kind: 'posted', messageId: earlier };
      }
    }
    const drawn = await deps.generator.masks([{ seed, weirdness: NIGHTLY_WEIRDNESS }], 512);
    let message = masksMessage(drawn.masks, { content: nightlyCaption(night), step: drawn.step });
    if (night.isFinale) {
      const logger = deps.logger.child({ guildId, nightDate: night.nightDate });
      const made = await finaleTimelapse(deps.folders, { otherBytes: totalBytes(message), logger, signal });
      if (made) message = withTimelapse(message, made);
    }
    const sent = (await deps.rest.post(Routes.channelMessages(channelId), {
      body: { ...message.body, nonce: night.nonce, enforce_nonce: true },
      files: message.files,
    })) as { id: string };
    deps.logger.info(
      { guildId, channelId, nightDate: night.nightDate, messageId: sent.id },
      'nightly nightmare posted',
    );
    return { kind: 'posted', messageId: sent.id };
  };
}
