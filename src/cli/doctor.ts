import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { BACKEND_ORDER, probeBackends } from '../backend/select.js';
import { listCheckpoints } from '../checkpoint/store.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { hasDatasetCache, readDatasetCache } from '../dataset/cache.js';
import { tf } from '../gan/tf.js';
import { packageVersion } from '../util/package-info.js';

interface DoctorReport {
  nightmask: string;
  node: { version: string; ok: boolean; note?: string };
  tfjs: string;
  backend: { wouldUse: string | null; preference: string; candidates: ReturnType<typeof probeBackends> };
  dataset: { path: string; images: number | null; sizePx: number | null; source: string | null };
  checkpoints: { path: string; count: number; latestStep: number | null };
  disk: Array<{ path: string; freeGiB: number | null }>;
  config: {
    ok: boolean;
    problems: string[];
    warnings: string[];
    discord: 'local mode (no DISCORD_TOKEN)' | 'bot mode' | 'unknown';
  };
}

/**
 * Gathers what a user needs to know before training: which backend would train and why the others
 * would not, the data, the checkpoints, free disk and configuration problems. It connects to nothing.
 */
async function diagnose(): Promise<DoctorReport> {
  let config: Config | undefined;
  let problems: string[] = [];
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems = err.problems;
  }
  const preference = config?.training.backend ?? 'auto';
  const candidates = probeBackends(preference);
  const wouldUse =
    (preference === 'auto'
      ? candidates.find((c) => c.available)
      : candidates.find((c) => c.name === preference && c.available)
    )?.name ?? null;

  const major = Number(process.versions.node.split('.')[0]);
  const report: DoctorReport = {
    nightmask: packageVersion,
    node: {
      version: process.version,
      ok: major >= 20,
      ...(major < 20 && { note: 'nightmask needs Node.js 20 or newer' }),
    },
    tfjs: tf.version.tfjs,
    backend: {
      wouldUse,
      preference,
      candidates: BACKEND_ORDER.map((n) => candidates.find((c) => c.name === n)).filter(
        (c) => c !== undefined,
      ),
    },
    dataset: { path: config?.paths.datasetDir ?? '?', images: null, sizePx: null, source: null },
    checkpoints: { path: config?.paths.checkpointsDir ?? '?', count: 0, latestStep: null },
    disk: [],
    config: {
      ok: problems.length === 0,
      problems,
      warnings: [],
      discord: config ? (config.discord.token ? 'bot mode' : 'local mode (no DISCORD_TOKEN)') : 'unknown',
    },
  };
  if (!config) return report;

  if (await hasDatasetCache(config.paths.datasetDir)) {
    try {
      const { manifest } = await readDatasetCache(config.paths.datasetDir);
      report.dataset = {
        path: config.paths.datasetDir,
        images: manifest.count,
        sizePx: manifest.sizePx,
        source: manifest.source.kind,
      };
    } catch (err) {
      report.config.problems.push(`dataset: ${(err as Error).message}`);
    }
  }
  const checkpoints = await listCheckpoints(config.paths.checkpointsDir);
  report.checkpoints = {
    path: config.paths.checkpointsDir,
    count: checkpoints.length,
    latestStep: checkpoints.at(-1)?.step ?? null,
  };
  for (const path of [config.paths.dataDir, config.paths.modelsDir]) {
    report.disk.push({ path, freeGiB: await freeGiB(path) });
  }
  report.config.warnings = [...config.warnings];
  // Data and checkpoint problems found above count too.
  report.config.ok = report.config.problems.length === 0;
  return report;
}

async function freeGiB(path: string): Promise<number | null> {
  // The folder may not exist yet; its nearest existing parent is on the same disk.
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await statfs(p);
      return Math.round(((s.bavail * s.bsize) / 2 ** 30) * 10) / 10;
    } catch {
      if (dirname(p) === p) return null;
    }
  }
}

function printHuman(r: DoctorReport): void {
  const mark = (ok: boolean) => (ok ? 'ok ' : '-- ');
  console.log(`nightmask ${r.nightmask}, TF.js ${r.tfjs}`);
  console.log(`${mark(r.node.ok)}Node.js ${r.node.version}${r.node.note ? `: ${r.node.note}` : ''}`);
  console.log(
    `\nbackend: would train on ${r.backend.wouldUse ?? 'nothing'} (NIGHTMASK_BACKEND=${r.backend.preference})`,
  );
  for (const c of r.backend.candidates) {
    console.log(`  ${mark(c.available)}${c.name.padEnd(11)} ${c.device ? `[${c.device}] ` : ''}${c.reason}`);
  }
  console.log(
    `\ndataset: ${r.dataset.images === null ? 'none yet (built on first start)' : `${r.dataset.images} images at ${r.dataset.sizePx} px from ${r.dataset.source}`} in ${r.dataset.path}`,
  );
  console.log(
    `checkpoints: ${r.checkpoints.count} in ${r.checkpoints.path}${r.checkpoints.latestStep === null ? '' : `, latest at step ${r.checkpoints.latestStep}`}`,
  );
  for (const d of r.disk) console.log(`disk: ${d.freeGiB ?? '?'} GiB free for ${d.path}`);
  console.log(`\nconfig: ${r.config.discord}`);
  for (const p of r.config.problems) console.log(`  -- ${p}`);
  for (const w of r.config.warnings) console.log(`  !  ${w}`);
  if (r.config.ok) console.log('  ok  no problems found');
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this machine: Node, TF.js backends and why each is or is not used, data, checkpoints, disk, config',
    )
    .option('--json', 'print one JSON object for scripts')
    .action(async (opts: { json?: boolean }) => {
      const report = await diagnose();
      if (opts.json) console.log(JSON.stringify(report));
      else printHuman(report);
      if (!report.config.ok || !report.node.ok || report.backend.wouldUse === null) process.exitCode = 1;
    });
}
