import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { DiscordAPIError, Routes } from 'discord.js';
import { type CandidateReport, probeAllBackends } from '../backend/select.js';
import { inspectVulkan, type VulkanReport } from '../backend/vulkan.js';
import { createRest } from '../bot/client.js';
import { listCheckpoints } from '../checkpoint/store.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { hasDatasetCache, readDatasetCache } from '../dataset/cache.js';
import { tf } from '../gan/tf.js';
import { packageVersion } from '../util/package-info.js';

/** Below this much free space a folder gets a warning: a 64 px checkpoint is about 94 MB, and 3+ are kept. */
const LOW_DISK_GIB = 2;

export interface DoctorReport {
  nightmask: string;
  node: { version: string; ok: boolean; note?: string };
  tfjs: string;
  backend: {
    wouldUse: string | null;
    device: string | null;
    gpu: boolean;
    preference: string;
    candidates: CandidateReport[];
  };
  vulkan: VulkanReport;
  dataset: { path: string; images: number | null; sizePx: number | null; source: string | null };
  checkpoints: { path: string; count: number; latestStep: number | null };
  disk: Array<{ path: string; freeGiB: number | null }>;
  config: {
    ok: boolean;
    problems: string[];
    warnings: string[];
    discord: 'local mode (no DISCORD_TOKEN)' | 'bot mode' | 'unknown';
  };
  /** Only with --discord: whether Discord accepts the token and for which application. */
  discordCheck?: { ok: boolean; application?: { id: string; name: string }; problem?: string };
  /** Things that work but deserve attention: a GPU left unused, little free disk. */
  warnings: string[];
}

export interface DiagnoseOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Ask Discord whether the token works: the only network connection doctor makes. */
  checkDiscord?: boolean;
}

/**
 * Gathers what a user needs to know before training: which backend would train and why the others
 * would not (and what would fix them), the GPU's Vulkan setup, the data, the checkpoints, free disk
 * and configuration problems. It connects to nothing unless asked to check Discord.
 */
export async function diagnose(options: DiagnoseOptions = {}): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  let config: Config | undefined;
  let problems: string[] = [];
  try {
    config = loadConfig(env, options.cwd);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems = err.problems;
  }
  const preference = config?.training.backend ?? 'auto';
  const candidates = await probeAllBackends(preference);
  const chosen =
    preference === 'auto'
      ? candidates.find((c) => c.available)
      : candidates.find((c) => c.name === preference && c.available);
  const vulkan = await inspectVulkan({ env });

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
      wouldUse: chosen?.name ?? null,
      device: chosen?.device ?? null,
      gpu: chosen?.gpu === true,
      preference,
      candidates,
    },
    vulkan,
    dataset: { path: config?.paths.datasetDir ?? '?', images: null, sizePx: null, source: null },
    checkpoints: { path: config?.paths.checkpointsDir ?? '?', count: 0, latestStep: null },
    disk: [],
    config: {
      ok: problems.length === 0,
      problems,
      warnings: [],
      discord: config ? (config.discord.token ? 'bot mode' : 'local mode (no DISCORD_TOKEN)') : 'unknown',
    },
    warnings: [],
  };
  if (vulkan.nvidia.warning) report.warnings.push(vulkan.nvidia.warning);
  if (vulkan.nvidia.kernelDriver !== null && !report.backend.gpu) {
    const webgpu = candidates.find((c) => c.name === 'webgpu');
    report.warnings.push(
      `an NVIDIA GPU is here but training would run on the CPU: WebGPU ${webgpu?.reason ?? 'was not probed'}` +
        (webgpu?.fix ? `; to fix: ${webgpu.fix}` : ''),
    );
  }
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
    const freeGiB = await freeSpaceGiB(path);
    report.disk.push({ path, freeGiB });
    if (freeGiB !== null && freeGiB < LOW_DISK_GIB) {
      report.warnings.push(
        `${path} has ${freeGiB} GiB free: a 64 px checkpoint takes about 94 MB and at least three are kept; ` +
          `free some space or point ${path === config.paths.dataDir ? 'NIGHTMASK_DATA_DIR' : 'NIGHTMASK_MODELS_DIR'} elsewhere`,
      );
    }
  }
  report.config.warnings = [...config.warnings];
  if (options.checkDiscord) {
    report.discordCheck = await checkDiscord(config);
    if (report.discordCheck.problem) report.config.problems.push(`Discord: ${report.discordCheck.problem}`);
  }
  // Data, checkpoint and Discord problems found above count too.
  report.config.ok = report.config.problems.length === 0;
  return report;
}

/** Asks Discord which application the token belongs to; the token itself is never shown. */
async function checkDiscord(config: Config): Promise<NonNullable<DoctorReport['discordCheck']>> {
  const { token, clientId, apiUrl } = config.discord;
  if (!token)
    return { ok: false, problem: 'DISCORD_TOKEN is not set, so there is nothing to check (local mode)' };
  try {
    const rest = createRest(config, token);
    const app = (await rest.get(Routes.currentApplication(), { signal: AbortSignal.timeout(10_000) })) as {
      id: string;
      name: string;
    };
    const application = { id: app.id, name: app.name };
    if (clientId !== undefined && clientId !== app.id) {
      return {
        ok: false,
        application,
        problem:
          `DISCORD_CLIENT_ID is ${clientId} but the token belongs to application ${app.id} (${app.name}); ` +
          "copy the id from that application's General Information page",
      };
    }
    return { ok: true, application };
  } catch (err) {
    if (err instanceof DiscordAPIError && err.status === 401) {
      return { ok: false, problem: 'Discord refused DISCORD_TOKEN (401): copy it again from the Bot page' };
    }
    return { ok: false, problem: `could not ask Discord at ${apiUrl}: ${(err as Error).message}` };
  }
}

async function freeSpaceGiB(path: string): Promise<number | null> {
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
    `\nbackend: would train on ${r.backend.wouldUse ?? 'nothing'}${r.backend.device ? ` [${r.backend.device}]` : ''} ` +
      `(NIGHTMASK_BACKEND=${r.backend.preference})`,
  );
  for (const c of r.backend.candidates) {
    console.log(`  ${mark(c.available)}${c.name.padEnd(11)} ${c.device ? `[${c.device}] ` : ''}${c.reason}`);
    if (c.fix) console.log(`  ${' '.repeat(14)} fix: ${c.fix}`);
  }

  const v = r.vulkan;
  console.log(`\nvulkan: loader ${v.loader ?? 'not found (libvulkan1)'}`);
  if (v.driverOverride)
    console.log(`  driver files from VK_ICD_FILENAMES/VK_DRIVER_FILES: ${v.driverOverride}`);
  if (v.drivers.length === 0) console.log('  -- no driver files (icd.d/*.json)');
  for (const d of v.drivers) {
    const what = `${d.kind === 'software' ? 'software, ' : ''}${d.library ?? '?'}${d.apiVersion ? `, Vulkan ${d.apiVersion}` : ''}`;
    console.log(`  ${mark(!d.problem)}${d.path} (${what})${d.problem ? `: ${d.problem}` : ''}`);
  }
  if (v.nvidia.kernelDriver) console.log(`  NVIDIA: ${v.nvidia.kernelDriver}`);

  console.log(
    `\ndataset: ${r.dataset.images === null ? 'none yet (built on first start)' : `${r.dataset.images} images at ${r.dataset.sizePx} px from ${r.dataset.source}`} in ${r.dataset.path}`,
  );
  console.log(
    `checkpoints: ${r.checkpoints.count} in ${r.checkpoints.path}${r.checkpoints.latestStep === null ? '' : `, latest at step ${r.checkpoints.latestStep}`}`,
  );
  for (const d of r.disk) console.log(`disk: ${d.freeGiB ?? '?'} GiB free for ${d.path}`);

  console.log(`\nconfig: ${r.config.discord}`);
  if (r.discordCheck?.application) {
    const app = r.discordCheck.application;
    console.log(`  ${mark(r.discordCheck.ok)}Discord accepts the token: application ${app.id} (${app.name})`);
  }
  for (const p of r.config.problems) console.log(`  -- ${p}`);
  for (const w of r.config.warnings) console.log(`  !  ${w}`);
  if (r.config.ok) console.log('  ok  no problems found');
  if (r.warnings.length > 0) console.log('\nwarnings:');
  for (const w of r.warnings) console.log(`  !  ${w}`);
}

/** Exit status 1 when nightmask cannot start as configured; warnings alone leave it at 0. */
export function doctorExitCode(r: DoctorReport): number {
  return !r.config.ok || !r.node.ok || r.backend.wouldUse === null ? 1 : 0;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this machine: Node, TF.js backends (why each is or is not used, and what would fix it), the GPU ' +
        'and Vulkan driver, data, checkpoints, disk, config. Connects to nothing unless --discord',
    )
    .option('--json', 'print one JSON object for scripts')
    .option('--discord', 'also ask Discord whether DISCORD_TOKEN works (one HTTPS request)')
    .action(async (opts: { json?: boolean; discord?: boolean }) => {
      const report = await diagnose({ checkDiscord: opts.discord === true });
      if (opts.json) console.log(JSON.stringify(report));
      else printHuman(report);
      process.exitCode = doctorExitCode(report);
    });
}
