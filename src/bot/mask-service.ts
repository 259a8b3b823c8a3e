import { DiscordAPIError, type REST, type RepliableInteraction, Routes } from 'discord.js';
import { GenerateError, type GeneratorClient } from '../generate/client.js';
import { formatMaskId, type LatentRef, parseMaskId } from '../generate/mask-id.js';
import type { Logger } from '../log/logger.js';
import { deliveryRoute, INTERACTION_LIFETIME_MS, type QueueJob, type Store } from '../store/index.js';
import { humanDuration, UserFacingError } from './errors.js';
import {
  masksMessage,
  morphMessage,
  type OutgoingMessage,
  textMessage,
  totalBytes,
  UPLOAD_LIMIT_BYTES,
} from './mask-message.js';

/** What a queued job asks for; stored as JSON in the queue, so it survives a restart. */
export type MaskJobRequest =
  | {
      kind: 'masks';
      refs: LatentRef[];
      outPx: number;
      checkpointId?: string;
      intro: string;
    }
  | { kind: 'morph'; from: LatentRef; to: LatentRef; outPx: number; checkpointId?: string };

interface Deps {
  store: Store;
  generator: GeneratorClient;
  rest: REST;
  applicationId: string;
  logger: Logger;
  now: () => number;
}

// Discord's codes for a reply that can no longer be edited: the token expired or the message is gone.
const EXPIRED_REPLY_CODES = new Set([10008, 10015, 50027]);

/**
 * Fair sharing of the one generator: requests wait in the database queue (one per user, bounded,
 * with a per-user cooldown), each waiting reply shows its place in line and is edited as it moves,
 * and a result whose interaction has expired is posted to the channel instead of being lost.
 */
export class MaskService {
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly shownPositions = new Map<number, number>();
  private readonly log: Logger;

  constructor(private readonly deps: Deps) {
    this.log = deps.logger.child({ subsystem: 'masks' });
  }

  /** Puts a deferred interaction's request in line and tells the user where they stand. */
  async submit(interaction: RepliableInteraction, request: MaskJobRequest): Promise<void> {
    const result = this.deps.store.queue.enqueue({
      userId: interaction.user.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      request,
      reply: { token: interaction.token, expiresAt: interaction.createdTimestamp + INTERACTION_LIFETIME_MS },
    });
    if (result.kind === 'busy') {
      throw new UserFacingError(
        'busy',
        `I'm busy drawing for others. Try again in ${humanDuration(result.retryAfterMs)}.`,
      );
    }
    if (result.kind === 'cooldown') {
      throw new UserFacingError(
        'cooldown',
        `Your next mask is ready to be asked for in ${humanDuration(result.retryAfterMs)}.`,
      );
    }
    if (result.kind === 'already-pending') {
      throw new UserFacingError(
        'already-pending',
        `You already have masks on the way (#${result.position} in line). One request at a time, please.`,
      );
    }
    const waiting = result.position > 1 || this.running !== undefined;
    this.shownPositions.set(result.job.id, result.position);
    // The job is in line whatever happens to this edit: start the queue first, so that a failed edit
    // cannot strand it.
    this.kick();
    await interaction
      .editReply(waiting ? `⏳ You're #${result.position} in line for a mask…` : '🕯️ Drawing your nightmare…')
      .catch((err: unknown) =>
        this.log.warn({ err, jobId: result.job.id }, 'could not show the place in line'),
      );
  }

  /** Puts back jobs a crash left running, then works through the queue. */
  start(): void {
    const requeued = this.deps.store.queue.requeueRunning();
    if (requeued > 0) this.log.info({ requeued }, 'jobs from before the restart are back in line');
    this.kick();
  }

  /** Lets the job in hand finish; nothing new starts. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const job = this.deps.store.queue.next();
      if (!job) return;
      await this.showPositions();
      try {
        await this.run(job);
      } catch (err) {
        this.log.error({ err, jobId: job.id }, 'a mask job failed');
        this.deps.store.queue.complete(job.id, { ok: false, error: (err as Error).message });
        await this.deliver(
          job,
          textMessage('💀 Something went wrong drawing that. It is logged; please try again.'),
        ).catch(() => undefined);
      }
    }
  }

  private async run(job: QueueJob): Promise<void> {
    const request = job.request as unknown as MaskJobRequest;
    let message: OutgoingMessage;
    let maskIds: string[] = [];
    try {
      ({ message, maskIds } = await this.draw(request));
    } catch (err) {
      if (!(err instanceof GenerateError) || err.code === 'internal' || err.code === 'timeout') throw err;
      const text =
        err.code === 'checkpoint-gone'
          ? '🕸️ That mask came from a checkpoint that has since been retired. Reroll for a fresh one!'
          : err.code === 'no-checkpoint'
            ? '🌱 The masks are still growing: no checkpoint has been saved yet. Try again in a few minutes.'
            : `💀 ${err.message}`;
      this.deps.store.queue.complete(job.id, { ok: false, error: err.code });
      await this.deliver(job, textMessage(text));
      return;
    }
    await this.deliver(job, message);
    this.deps.store.queue.complete(job.id, { ok: true, result: { maskIds } });
    this.recordMasks(maskIds, job);
  }

  private async draw(request: MaskJobRequest): Promise<{ message: OutgoingMessage; maskIds: string[] }> {
    const { generator } = this.deps;
    if (request.kind === 'morph') {
      const r = await generator.morph(request.from, request.to, {
        frames: 12,
        frameMs: 90,
        outPx: request.outPx,
        ...(request.checkpointId !== undefined && { checkpointId: request.checkpointId }),
      });
      const fromId = formatMaskId({ checkpointId: request.checkpointId ?? r.checkpointId, ...request.from });
      const toId = formatMaskId({ checkpointId: r.checkpointId, ...request.to });
      return { message: morphMessage(r.animation, fromId, toId, r.step), maskIds: [toId] };
    }

    let outPx = request.outPx;
    for (;;) {
      const r = await generator.masks(request.refs, outPx, request.checkpointId);
      const message = masksMessage(r.masks, { content: request.intro, step: r.step });
      // Uploads above 10 MiB fail: halve the size until the message fits.
      if (totalBytes(message) > UPLOAD_LIMIT_BYTES && outPx > 128) {
        this.log.warn(
          { bytes: totalBytes(message), outPx },
          'masks too large to upload; drawing them smaller',
        );
        outPx = Math.floor(outPx / 2);
        continue;
      }
      return { message, maskIds: r.masks.map((m) => m.id) };
    }
  }

  /**
   * Notes the masks handed out. After delivery and never fatal: a record is bookkeeping, and the
   * mask id itself already names the image. (A variation's parent is in its id, as its nudge.)
   */
  private recordMasks(maskIds: string[], job: QueueJob): void {
    try {
      for (const id of maskIds) {
        const ref = parseMaskId(id);
        if (!ref) continue;
        const step = Number(ref.checkpointId.slice(5, 14));
        this.deps.store.masks.record({
          checkpointId: ref.checkpointId,
          checkpointStep: step,
          seed: ref.seed,
          weirdness: ref.weirdness,
          sizePx: (job.request as { outPx?: number }).outPx ?? 0,
          guildId: job.guildId,
          userId: job.userId,
        });
      }
    } catch (err) {
      this.log.warn({ err, jobId: job.id }, 'could not record the masks handed out');
    }
  }

  /** Edits the interaction's reply while it can be edited, and posts to the channel after that. */
  private async deliver(job: QueueJob, message: OutgoingMessage): Promise<void> {
    const { rest, applicationId } = this.deps;
    if (deliveryRoute(job, this.deps.now()) === 'reply' && job.replyToken) {
      try {
        // Interaction webhooks are authorised by their token alone. Sending the bot token too would let
        // a 401 for an expired interaction make discord.js drop the bot token for every later request.
        await rest.patch(Routes.webhookMessage(applicationId, job.replyToken), {
          body: message.body,
          files: message.files,
          auth: false,
        });
        return;
      } catch (err) {
        if (!(err instanceof DiscordAPIError && EXPIRED_REPLY_CODES.has(Number(err.code)))) throw err;
        this.log.info({ jobId: job.id }, 'the reply can no longer be edited; posting to the channel');
      }
    }
    if (!job.channelId) throw new Error('the reply expired and the job has no channel to post to');
    await rest.post(Routes.channelMessages(job.channelId), {
      body: {
        ...message.body,
        content: `<@${job.userId}> ${message.body.content ?? ''}`.trim(),
        allowed_mentions: { users: [job.userId] },
      },
      files: message.files,
    });
  }

  /** Tells each waiting user their new place in line, once per change. */
  private async showPositions(): Promise<void> {
    const waiting = this.deps.store.queue.waiting();
    await Promise.all(
      waiting.map(async (job, i) => {
        const position = i + 1;
        if (this.shownPositions.get(job.id) === position || !job.replyToken) return;
        if (deliveryRoute(job, this.deps.now()) !== 'reply') return;
        this.shownPositions.set(job.id, position);
        await this.deps.rest
          .patch(Routes.webhookMessage(this.deps.applicationId, job.replyToken), {
            body: { content: `⏳ You're #${position} in line for a mask…` },
            auth: false,
          })
          .catch((err: unknown) =>
            this.log.warn({ err, jobId: job.id }, 'could not update a queue position'),
          );
      }),
    );
  }
}
