import { listRunGrids, type RunFolders } from './grids.js';
import { makeTimelapse, type Timelapse, type TimelapseOptions } from './timelapse.js';

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

const shared = new Map<string, TimelapseCache>();

/** The one cache per samples folder that the bot's commands share. */
export function sharedTimelapse(folders: RunFolders, options: TimelapseOptions = {}): TimelapseCache {
  let cache = shared.get(folders.samplesDir);
  if (!cache) {
    cache = new TimelapseCache(folders, options);
    shared.set(folders.samplesDir, cache);
  }
  return cache;
}
