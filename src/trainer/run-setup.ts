import { type BackendChoice, defaultModelSize } from '../backend/select.js';
import { type LoadedCheckpoint, loadLatestCheckpoint } from '../checkpoint/store.js';
import type { Config } from '../config/config.js';
import { defaultGanConfig, type GanConfig, parseGanConfig } from '../gan/config.js';
import type { Logger } from '../log/logger.js';

/**
 * The network config for a fresh run: the environment's choices, with 'auto' filled in for the
 * backend that trains (a small model for the slow stock cpu backend, the reference DCGAN elsewhere).
 */
export function freshGanConfig(training: Config['training'], backend: BackendChoice): GanConfig {
  const auto = defaultModelSize(backend);
  return parseGanConfig({
    ...defaultGanConfig,
    sizePx: training.sizePx === 'auto' ? auto.sizePx : training.sizePx,
    width: training.width === 'auto' ? auto.width : training.width,
    batchSize: training.batchSize === 'auto' ? auto.batchSize : training.batchSize,
  });
}

/**
 * What a run resumes from: the latest intact checkpoint and the config it was trained with, which
 * wins over the environment (the weights only fit the networks that made them).
 */
export async function resumePoint(
  config: Config,
  backend: BackendChoice,
  logger: Logger,
): Promise<{ ganConfig: GanConfig; loaded: LoadedCheckpoint | undefined }> {
  const fresh = freshGanConfig(config.training, backend);
  const loaded = await loadLatestCheckpoint(config.paths.checkpointsDir, logger);
  if (!loaded) return { ganConfig: fresh, loaded: undefined };
  const ganConfig = parseGanConfig(loaded.manifest.config);
  const differs = (['sizePx', 'width', 'batchSize'] as const).filter((k) => {
    const wanted = config.training[k];
    return wanted !== 'auto' && wanted !== ganConfig[k];
  });
  if (differs.length > 0) {
    logger.warn(
      { checkpoint: ganConfig, differs },
      'the configured model size differs from the checkpoint; continuing the checkpoint (retrain from scratch to change it)',
    );
  }
  return { ganConfig, loaded };
}
