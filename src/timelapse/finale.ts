import type { Logger } from '../log/logger.js';
import { sharedTimelapse } from './cache.js';
import type { RunFolders } from './grids.js';
import { DISCORD_SAFE_BYTES, type Timelapse } from './timelapse.js';

/** The finale waits this long for its timelapse at most, then posts without it. */
const FINALE_WAIT_MS = 60_000;

function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * The season's timelapse for the Halloween post, or undefined when it cannot be had: no grids, a
 * render that fails or runs past `signal` or a minute, or a file that would push the post's
 * attachments (`otherBytes` already) over Discord's limit. A missing timelapse is logged and the
 * night is posted without it; it must never cost the nightly post.
 */
export async function finaleTimelapse(
  folders: RunFolders,
  options: { otherBytes: number; logger: Logger; signal?: AbortSignal; waitMs?: number },
): Promise<Timelapse | undefined> {
  const { logger, otherBytes } = options;
  const deadline = AbortSignal.timeout(options.waitMs ?? FINALE_WAIT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    // A render cut short keeps going in the cache's hands and serves the next caller.
    const made = await Promise.race([sharedTimelapse(folders, logger).get(), whenAborted(signal)]);
    if (otherBytes + made.bytes > DISCORD_SAFE_BYTES) {
      logger.warn(
        { timelapseBytes: made.bytes, otherBytes, limitBytes: DISCORD_SAFE_BYTES },
        'the finale goes out without its timelapse: together they would exceed the upload limit',
      );
      return undefined;
    }
    return made;
  } catch (err) {
    logger.warn({ err }, 'the finale goes out without its timelapse');
    return undefined;
  }
}
