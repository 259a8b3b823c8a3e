import { access, mkdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BackendChoice, defaultModelSize, probeAllBackends } from '../backend/select.js';
import { type LoadedCheckpoint, listCheckpoints, loadLatestCheckpoint } from '../checkpoint/store.js';
import type { Config } from '../config/config.js';
import { defaultGanConfig, type GanConfig, parseGanConfig } from '../gan/config.js';
import type { Logger } from '../log/logger.js';
import { DIVERGENCE_FILE } from './divergence.js';

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
    excitation: training.recipe === 'excite',
  });
}

/**
 * Moves the checkpoints of the current run to models/archive/<time>/, so that a fresh start loses
 * nothing: moving the folder back resumes the old run. A run that diverged before its first
 * checkpoint has only its divergence record, which goes too: the new run starts at full step size.
 */
export async function setAsideCheckpoints(
  paths: Pick<Config['paths'], 'checkpointsDir' | 'modelsDir'>,
  logger: Logger,
): Promise<void> {
  const dir = paths.checkpointsDir;
  const diverged = await access(join(dir, DIVERGENCE_FILE)).then(
    () => true,
    () => false,
  );
  if ((await listCheckpoints(dir)).length === 0 && !diverged) return;
  const archive = join(paths.modelsDir, 'archive', new Date().toISOString().replace(/[:.]/g, '-'));
  await mkdir(dirname(archive), { recursive: true });
  await rename(dir, archive);
  logger.warn({ archive }, 'starting from scratch: the previous checkpoints were moved aside');
}

/**
 * The image size the trainer will train at: the latest checkpoint's, else the configured one, else
 * what 'auto' gives the backend that would be chosen. Datasets are built at this size by default,
 * so that the trainer does not have to rebuild them.
 */
export async function plannedSizePx(config: Config): Promise<number> {
  const latest = (await listCheckpoints(config.paths.checkpointsDir)).at(-1);
  if (latest) {
    try {
      const manifest = JSON.parse(await readFile(join(latest.path, 'checkpoint.json'), 'utf8')) as {
        config?: { sizePx?: number };
      };
      if (manifest.config?.sizePx) return manifest.config.sizePx;
    } catch {
      // A damaged newest checkpoint: fall through to the configuration.
    }
  }
  if (config.training.sizePx !== 'auto') return config.training.sizePx;
  const preference = config.training.backend;
  const pick = (await probeAllBackends(preference)).find(
    (c) => c.available && (preference === 'auto' || c.name === preference),
  );
  return defaultModelSize({ name: pick?.name ?? 'cpu', gpu: pick?.gpu ?? false }).sizePx;
}

/**
 * What a run resumes from: the latest intact checkpoint and the config it was trained with, which
 * wins over the environment (the weights only fit the networks that made them).
 */
export async function resumePoint(
  config: Config,
  backend: BackendChoice,
  logger: Logger,
  options: { fresh?: boolean } = {},
): Promise<{ ganConfig: GanConfig; loaded: LoadedCheckpoint | undefined }> {
  const fresh = freshGanConfig(config.training, backend);
  if (options.fresh) {
    await setAsideCheckpoints(config.paths, logger);
    return { ganConfig: fresh, loaded: undefined };
  }
  const loaded = await loadLatestCheckpoint(config.paths.checkpointsDir, logger);
  if (!loaded) return { ganConfig: fresh, loaded: undefined };
  const ganConfig = parseGanConfig(loaded.manifest.config);
  const differs: string[] = (['sizePx', 'width', 'batchSize'] as const).filter((k) => {
    const wanted = config.training[k];
    return wanted !== 'auto' && wanted !== ganConfig[k];
  });
  if ((config.training.recipe === 'excite') !== ganConfig.excitation) differs.push('recipe');
  if (differs.length > 0) {
    logger.warn(
      { checkpoint: ganConfig, differs },
      'the configured model size or recipe differs from the checkpoint; continuing the checkpoint (retrain from scratch to change it)',
    );
  }
  return { ganConfig, loaded };
}
