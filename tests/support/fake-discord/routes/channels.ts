import { MessageReferenceType, MessageType, PermissionFlagsBits } from 'discord.js';
import { discordErrors } from '../http/errors.js';
import type { RouteRequest, Router } from '../http/router.js';
import { createMessage, deleteMessage, editMessage } from '../messages/operations.js';
import { parseMessageFields } from '../messages/payload.js';
import type { StoredMessage } from '../messages/store.js';
import type { FakeState } from '../state.js';
import { channelPermissions } from '../world/permissions.js';
import { channelWithGuildId, type FakeGuildChannel, findChannel, type WorldGuild } from '../world/types.js';

interface ChannelAccess {
  readonly guild: WorldGuild;
  readonly channel: FakeGuildChannel;
  /** The bot's computed permissions in the channel. */
  readonly permissions: bigint;
}

/** Channels and channel messages, with the bot's channel permissions enforced as Discord does. */
export function registerChannelRoutes(router: Router, state: FakeState): void {
  const botId = state.world.botUser.id;

  const access = (request: RouteRequest): ChannelAccess => {
    const found = findChannel(state.world, request.params.channel ?? '');
    if (!found) throw discordErrors.unknownChannel();
    const permissions = channelPermissions(found.guild, found.channel, botId);
    if ((permissions & PermissionFlagsBits.ViewChannel) === 0n) throw discordErrors.missingAccess();
    return { ...found, permissions };
  };
  const needPermission = (scope: ChannelAccess, permission: bigint): void => {
    if ((scope.permissions & permission) === 0n) throw discordErrors.missingPermissions();
  };
  const messageIn = (request: RouteRequest, scope: ChannelAccess): StoredMessage => {
    const stored = state.messages.get(request.params.message ?? '');
    if (!stored || stored.message.channel_id !== scope.channel.id) throw discordErrors.unknownMessage();
    return stored;
  };

  router.add('GET', '/channels/:channel', (request) => {
    const scope = access(request);
    return { status: 200, body: channelWithGuildId(scope.guild, scope.channel) };
  });

  router.add('POST', '/channels/:channel/messages', (request) => {
    const scope = access(request);
    needPermission(scope, PermissionFlagsBits.SendMessages);
    if (request.files.length > 0) needPermission(scope, PermissionFlagsBits.AttachFiles);
    const fields = parseMessageFields(request.json);

    // enforce_nonce: a retry with the same nonce gets the first message back, not a second one.
    if (fields.enforce_nonce && fields.nonce != null) {
      const since = state.clock.now() - state.settings.nonceWindowMs;
      const earlier = state.messages.findByNonce(scope.channel.id, botId, fields.nonce, since);
      if (earlier) return { status: 200, body: earlier.message };
    }

    // A reply points at a message; Discord fills in the channel and guild when they are left out.
    const reference = fields.message_reference;
    const replyTo = reference?.message_id ? state.messages.get(reference.message_id) : undefined;
    if (reference?.message_id && !replyTo && reference.fail_if_not_exists !== false) {
      throw discordErrors.invalidField(
        ['message_reference'],
        'MESSAGE_REFERENCE_UNKNOWN_MESSAGE',
        'Unknown message',
      );
    }
    const messageReference = replyTo
      ? {
          type: MessageReferenceType.Default,
          message_id: replyTo.message.id,
          channel_id: replyTo.message.channel_id,
          guild_id: scope.guild.guild.id,
        }
      : undefined;
    const created = createMessage(state, {
      channelId: scope.channel.id,
      guildId: scope.guild.guild.id,
      author: state.world.botUser,
      type: messageReference ? MessageType.Reply : MessageType.Default,
      fields,
      uploads: request.files,
      allowEphemeral: false,
      ...(messageReference ? { messageReference } : {}),
    });
    return { status: 200, body: created.message };
  });

  router.add('GET', '/channels/:channel/messages', (request) => {
    const scope = access(request);
    needPermission(scope, PermissionFlagsBits.ReadMessageHistory);
    const limit = Math.min(100, Math.max(1, Number(request.query.get('limit') ?? 50) || 50));
    const newestFirst = state.messages.inChannel(scope.channel.id).reverse();
    return { status: 200, body: newestFirst.slice(0, limit) };
  });

  router.add('GET', '/channels/:channel/messages/:message', (request) => {
    const scope = access(request);
    if ((scope.permissions & PermissionFlagsBits.ReadMessageHistory) === 0n)
      throw discordErrors.missingAccess();
    return { status: 200, body: messageIn(request, scope).message };
  });

  router.add('PATCH', '/channels/:channel/messages/:message', (request) => {
    const scope = access(request);
    const stored = messageIn(request, scope);
    if (stored.message.author.id !== botId) throw discordErrors.cannotEditOthersMessage();
    const edited = editMessage(state, stored, parseMessageFields(request.json), request.files);
    return { status: 200, body: edited.message };
  });

  router.add('DELETE', '/channels/:channel/messages/:message', (request) => {
    const scope = access(request);
    const stored = messageIn(request, scope);
    if (stored.message.author.id !== botId) needPermission(scope, PermissionFlagsBits.ManageMessages);
    deleteMessage(state, stored);
    return { status: 204 };
  });
}
