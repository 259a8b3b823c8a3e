import type { Logger } from '../log/logger.js';
import { listRunGrids, type RunFolders } from './grids.js';
import { DISCORD_SAFE_BYTES, makeTimelapse, type Timelapse, type TimelapseOptions } from './timelapse.js';

/**
 * A run's timelapse, rendered one at a time and kept until a grid changes: ten people asking in the
 * same minute cost one render, and the bot's process never renders two at once beside the trainer.
 */
export class TimelapseCache {
  private last: { signature: string; made: Timelapse } | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly folders: RunFolders,
    private readonly options: TimelapseOptions = {},
  ) {}

  /** The timelapse of the grids on disk now; rejects with TimelapseError when there is none to make. */
  async get(): Promise<Timelapse> {
    while (this.running) await this.running.catch(() => undefined);
    const signature = (await listRunGrids(this.folders)).map((g) => `${g.path}:${g.mtimeMs}`).join('\n');
    if (this.last?.signature === signature) return this.last.made;
    // Another caller may have started while the folder was listed.
    if (this.running) return this.get();

    const render = makeTimelapse(this.folders, this.options);
    this.running = render;
    try {
      const made = await render;
      this.last = { signature, made };
      return made;
    } finally {
      this.running = undefined;
    }
  }
}

/**
 * What the bot's timelapse may weigh: Discord's safe size less room for the 512 px mask the
 * Halloween post carries beside it, so that /train and every server's finale share one render.
 */
export const BOT_TIMELAPSE_BYTES = DISCORD_SAFE_BYTES - 1024 * 1024;

const shared = new Map<string, TimelapseCache>();

/** The one cache per samples folder that the bot's command and its nightly finale share. */
export function sharedTimelapse(folders: RunFolders, logger: Logger): TimelapseCache {
  let cache = shared.get(folders.samplesDir);
  if (!cache) {
    const log = logger.child({ subsystem: 'timelapse' });
    cache = new TimelapseCache(folders, {
      maxBytes: BOT_TIMELAPSE_BYTES,
      onWarning: (msg, details) => log.warn(details, msg),
    });
    shared.set(folders.samplesDir, cache);
  }
  return cache;
}
