/**
 * The contract between the scheduler and whatever delivers a night's mask: the Discord bot, or local
 * mode writing a PNG to a folder. The scheduler knows nothing about Discord beyond this.
 */

/** What to post for one night. */
export interface Night {
  /** The server's local date of the night, `YYYY-MM-DD`. */
  readonly nightDate: string;
  readonly nightsUntilHalloween: number;
  /** "7 nights until Halloween", or the finale's line. */
  readonly countdown: string;
  /** Halloween itself: the last post of the season. */
  readonly isFinale: boolean;
  /**
   * The same on every attempt of this night. Send it as Discord's `nonce` with `enforce_nonce: true`,
   * so a retry after a crash between sending and confirming returns the first message, not a second.
   */
  readonly nonce: string;
  /** 1 for the first attempt. On a later one the first may have been sent; the nonce covers that. */
  readonly attempt: number;
}

/** Why a night was not posted although nothing broke; moderators are told. */
export type SkipReason = 'no-channel' | 'channel-gone' | 'missing-permissions';

export type PostResult =
  | { readonly kind: 'posted'; readonly messageId: string }
  /** Nothing to retry: the channel is unusable until a moderator fixes it. `detail` names what is missing. */
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly detail?: string }
  /** Something that may work a minute later (network, Discord 5xx); the scheduler retries within grace. */
  | { readonly kind: 'failed'; readonly error: string };

/**
 * Delivers one night. It should check, before generating anything, that the bot may view, send, attach
 * files and embed in the channel, and answer 'skipped' when it may not. It may throw; that counts as
 * 'failed'. `signal` aborts when the ledger's claim is about to lapse: stop then, or risk a second post.
 */
export type PostFn = (guildId: string, night: Night, signal: AbortSignal) => Promise<PostResult>;

/** The message moderators see the next time they use `/nightmare` after a skipped night. */
export function skipNotice(nightDate: string, reason: SkipReason, detail?: string): string {
  const lead = `No nightmare was posted for the night of ${nightDate}:`;
  switch (reason) {
    case 'no-channel':
      return `${lead} no channel is set. Choose one with /nightmare channel.`;
    case 'channel-gone':
      return `${lead} its channel is gone or hidden from me. Choose another with /nightmare channel.`;
    case 'missing-permissions': {
      const missing = detail ? ` (missing: ${detail})` : '';
      return (
        `${lead} I may not post in its channel${missing}. ` +
        'I need View Channel, Send Messages, Attach Files and Embed Links there.'
      );
    }
  }
}
