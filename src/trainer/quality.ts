import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { markBestCheckpoint, type WrittenCheckpoint } from '../checkpoint/store.js';
import { type DatasetCache, datasetId } from '../dataset/cache.js';
import { FeatureExtractor } from '../eval/inception.js';
import { QualityScorer } from '../eval/score.js';
import type { GanConfig } from '../gan/config.js';
import { latentFromSeed } from '../gan/latent.js';
import type { Net } from '../gan/net.js';
import { renderLatents } from '../generate/render.js';
import type { Logger } from '../log/logger.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { QualityProgress, QualitySnapshot } from './protocol.js';

/** Latent seeds of the scored masks: the same every time, so scores of one run differ by the model only. */
const QUALITY_SEED = 50_000;
/** The best score of the run, beside its checkpoints, so a fresh start (which moves them) forgets it. */
export const BEST_QUALITY_FILE = 'best-quality.json';

export interface QualitySettings {
  checkpointsDir: string;
  /** Where losses.jsonl and the cached features of the real images go. */
  modelsDir: string;
  /** Masks scored each time: 256 cost about 7 s on one core with the native kernels. */
  images: number;
  /** Side the feature network sees; DEFAULT_INPUT_PX unless a test wants it smaller. */
  inputPx?: number;
  logger: Logger;
}

/**
 * Scores checkpoints as the trainer writes them: KID of the EMA generator's masks against the
 * training images, logged beside the losses, with the best checkpoint marked so pruning keeps it.
 * The feature network loads on first use. Scoring is a report, never a reason to stop: if it fails
 * (say the nsfwjs package is missing), it says so once and training goes on unscored.
 */
export class QualityWatch {
  private scorer: Promise<QualityScorer> | undefined;
  private extractor: FeatureExtractor | undefined;
  private disabled = false;
  private latest: QualitySnapshot | undefined;
  private best: QualitySnapshot | undefined;
  /** The dataset the best was scored against: a score against other images does not compare. */
  private bestDataset: string | undefined;
  private bestLoaded = false;

  constructor(private readonly settings: QualitySettings) {}

  get progress(): QualityProgress | undefined {
    return this.latest && this.best ? { latest: this.latest, best: this.best } : undefined;
  }

  /** Forgets the best score: a new run (from scratch) starts its own. */
  async reset(): Promise<void> {
    this.latest = undefined;
    this.best = undefined;
    this.bestLoaded = true;
    await writeFileAtomic(join(this.settings.checkpointsDir, BEST_QUALITY_FILE), 'null\n').catch(
      () => undefined,
    );
  }

  /** Scores the checkpoint just written from `ema`; returns undefined when scoring is off or failed. */
  async score(
    ema: Net,
    config: GanConfig,
    dataset: DatasetCache,
    checkpoint: WrittenCheckpoint,
  ): Promise<QualitySnapshot | undefined> {
    if (this.disabled) return undefined;
    const { logger } = this.settings;
    try {
      const started = performance.now();
      const scorer = await this.scorerFor(dataset);
      const latents = Array.from({ length: this.settings.images }, (_, i) =>
        latentFromSeed(QUALITY_SEED + i, config.latentDim),
      );
      const images = await renderLatents(ema, config, latents);
      const score = await scorer.scoreImages(images, config.sizePx);
      if (!Number.isFinite(score.kid) || !Number.isFinite(score.kidStderr)) {
        // Only broken features do this (say a damaged cache in models/quality/): remove them.
        await this.discardFeatures();
        throw new Error(
          'the score came out not finite; the cached features were removed and are recomputed next run',
        );
      }
      const snapshot: QualitySnapshot = {
        step: checkpoint.step,
        checkpointId: checkpoint.id,
        kid: score.kid,
        kidStderr: score.kidStderr,
        nearestRatio: score.nearest.ratio,
      };
      this.latest = snapshot;
      await this.loadBest();
      const against = datasetId(dataset);
      const better = this.best === undefined || this.bestDataset !== against || snapshot.kid < this.best.kid;
      if (better) {
        this.best = snapshot;
        this.bestDataset = against;
        await markBestCheckpoint(this.settings.checkpointsDir, checkpoint.path);
        await writeFileAtomic(
          join(this.settings.checkpointsDir, BEST_QUALITY_FILE),
          `${JSON.stringify({ ...snapshot, dataset: against })}\n`,
        );
      }
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      await mkdir(this.settings.modelsDir, { recursive: true });
      await appendFile(
        join(this.settings.modelsDir, 'losses.jsonl'),
        `${JSON.stringify({ ...snapshot, at: new Date().toISOString(), best: better, seconds })}\n`,
      );
      logger.info(
        { ...snapshot, best: better, seconds },
        `quality at step ${snapshot.step}: KID ${formatKid(snapshot)}${better ? ' (best so far)' : ''}`,
      );
      return snapshot;
    } catch (err) {
      this.disabled = true;
      logger.warn(
        { err },
        `quality scoring is off for this run: ${(err as Error).message.split('\n')[0]}; training goes on`,
      );
      return undefined;
    }
  }

  dispose(): void {
    this.extractor?.dispose();
  }

  private async discardFeatures(): Promise<void> {
    this.forgetDataset();
    await rm(join(this.settings.modelsDir, 'quality'), { recursive: true, force: true });
  }

  private async scorerFor(dataset: DatasetCache): Promise<QualityScorer> {
    this.scorer ??= (async () => {
      this.extractor = await FeatureExtractor.load(this.settings.inputPx);
      return QualityScorer.create(this.extractor, dataset, join(this.settings.modelsDir, 'quality'));
    })();
    return this.scorer;
  }

  /** A new dataset needs new reference features, and the next score starts a new best. */
  forgetDataset(): void {
    this.best = undefined;
    this.bestDataset = undefined;
    this.scorer = undefined;
    this.extractor?.dispose();
    this.extractor = undefined;
  }

  private async loadBest(): Promise<void> {
    if (this.bestLoaded) return;
    this.bestLoaded = true;
    try {
      const saved = JSON.parse(
        await readFile(join(this.settings.checkpointsDir, BEST_QUALITY_FILE), 'utf8'),
      ) as (QualitySnapshot & { dataset?: unknown }) | null;
      const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
      if (
        saved &&
        finite(saved.kid) &&
        finite(saved.kidStderr) &&
        finite(saved.step) &&
        typeof saved.checkpointId === 'string' &&
        typeof saved.dataset === 'string'
      ) {
        const { dataset, ...snapshot } = saved;
        this.best = {
          ...snapshot,
          nearestRatio: finite(snapshot.nearestRatio) ? snapshot.nearestRatio : null,
        };
        this.bestDataset = dataset as string;
      }
    } catch {
      // No earlier score, or an unreadable one: this score becomes the best.
    }
  }
}

/**
 * Below this ratio of nearest-training-image distances (generated against held-out real images), the
 * masks sit closer to training images than new real pictures do: the model is starting to copy.
 */
export const COPYING_RATIO = 0.5;

/** "0.0812 ± 0.0031"; a dash for a number that is missing (status.json is read back as plain JSON). */
export function formatKid(q: Pick<QualitySnapshot, 'kid' | 'kidStderr'>): string {
  const show = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(4) : '–');
  return `${show(q.kid)} ± ${show(q.kidStderr)}`;
}
