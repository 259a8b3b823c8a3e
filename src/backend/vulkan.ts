import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * What Dawn needs from the machine on Linux: the Vulkan loader (libvulkan.so.1) and at least one
 * driver (an ICD, announced by a JSON manifest). Nothing here loads either; it only reads files, so
 * that `nightmask doctor` can say which part is missing when WebGPU finds no adapter.
 */
export interface VulkanDriverFile {
  path: string;
  /** The driver library the manifest names, and whether it was found. */
  library: string | null;
  libraryFound: boolean;
  apiVersion: string | null;
  kind: 'nvidia' | 'software' | 'other';
  problem?: string;
}

export interface VulkanReport {
  /** Where libvulkan.so.1 is, or null when it was not found in the usual library folders. */
  loader: string | null;
  drivers: VulkanDriverFile[];
  /** VK_ICD_FILENAMES or VK_DRIVER_FILES when set: the loader then reads only those manifests. */
  driverOverride: string | null;
  nvidia: {
    /** The kernel driver's version line when /proc/driver/nvidia/version exists. */
    kernelDriver: string | null;
    /** NVIDIA_DRIVER_CAPABILITIES as set, or null. */
    capabilities: string | null;
    /** Set when the container runtime would leave the Vulkan driver out; says what to change. */
    warning?: string;
  };
}

export interface VulkanProbeOptions {
  env?: NodeJS.ProcessEnv;
  /** Folders searched for libraries; defaults to LD_LIBRARY_PATH and the system's. */
  libraryDirs?: readonly string[];
  /** Folders searched for `*.json` driver manifests; defaults to the loader's own search path. */
  manifestDirs?: readonly string[];
  /** Where the NVIDIA kernel driver reports its version. */
  nvidiaVersionFile?: string;
}

const MULTIARCH: Partial<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

function systemLibraryDirs(env: NodeJS.ProcessEnv): string[] {
  const triplet = MULTIARCH[process.arch];
  const fromEnv = (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '');
  const multiarch = triplet ? [`/usr/lib/${triplet}`, `/lib/${triplet}`, `/usr/local/lib/${triplet}`] : [];
  // /usr/local/nvidia/lib64 is where NVIDIA's container runtime mounts the driver in CUDA images.
  return [
    ...fromEnv,
    ...multiarch,
    '/usr/lib64',
    '/usr/lib',
    '/lib64',
    '/lib',
    '/usr/local/lib',
    '/usr/local/nvidia/lib64',
  ];
}

/** The Linux loader's manifest folders, in its own order (XDG config, /etc, XDG data). */
function loaderManifestDirs(env: NodeJS.ProcessEnv): string[] {
  const split = (v: string | undefined, fallback: string) =>
    (v && v !== '' ? v : fallback).split(':').filter((d) => d !== '');
  const dataHome = env.XDG_DATA_HOME || join(env.HOME ?? homedir(), '.local/share');
  return [
    ...split(env.XDG_CONFIG_DIRS, '/etc/xdg').map((d) => join(d, 'vulkan/icd.d')),
    '/etc/vulkan/icd.d',
    join(dataHome, 'vulkan/icd.d'),
    ...split(env.XDG_DATA_DIRS, '/usr/local/share:/usr/share').map((d) => join(d, 'vulkan/icd.d')),
  ];
}

function driverKind(path: string, library: string | null): VulkanDriverFile['kind'] {
  const text = `${path} ${library ?? ''}`.toLowerCase();
  if (text.includes('nvidia')) return 'nvidia';
  // Mesa's lavapipe (lvp) and Google's SwiftShader run Vulkan on the CPU.
  if (/lvp|lavapipe|swiftshader/.test(text)) return 'software';
  return 'other';
}

async function readDriverFile(path: string, libraryDirs: readonly string[]): Promise<VulkanDriverFile> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as {
      ICD?: { library_path?: unknown; api_version?: unknown };
    };
    const library = typeof manifest.ICD?.library_path === 'string' ? manifest.ICD.library_path : null;
    const apiVersion = typeof manifest.ICD?.api_version === 'string' ? manifest.ICD.api_version : null;
    // A bare file name is found by the dynamic linker, so look where it looks.
    const libraryFound =
      library !== null &&
      (isAbsolute(library) || library.includes('/')
        ? existsSync(isAbsolute(library) ? library : join(path, '..', library))
        : libraryDirs.some((d) => existsSync(join(d, library))));
    const file: VulkanDriverFile = {
      path,
      library,
      libraryFound,
      apiVersion,
      kind: driverKind(path, library),
    };
    if (library === null) file.problem = 'the manifest names no ICD.library_path';
    else if (!libraryFound) file.problem = `its library ${library} was not found in the library folders`;
    return file;
  } catch (err) {
    return {
      path,
      library: null,
      libraryFound: false,
      apiVersion: null,
      kind: driverKind(path, null),
      problem: `unreadable: ${(err as Error).message}`,
    };
  }
}

async function manifestsIn(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => n.endsWith('.json')).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

async function kernelDriverVersion(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).split('\n')[0]?.trim() || null;
  } catch {
    return null;
  }
}

/**
 * The NVIDIA container runtime mounts only the driver parts that NVIDIA_DRIVER_CAPABILITIES asks for;
 * its default, `compute,utility`, leaves out the Vulkan driver, so WebGPU sees no GPU.
 */
export function nvidiaCapabilitiesWarning(env: NodeJS.ProcessEnv): string | undefined {
  const caps = env.NVIDIA_DRIVER_CAPABILITIES;
  const inNvidiaContainer = env.NVIDIA_VISIBLE_DEVICES !== undefined && env.NVIDIA_VISIBLE_DEVICES !== 'void';
  if (caps === undefined && !inNvidiaContainer) return undefined;
  const list = (caps ?? 'compute,utility').split(',').map((c) => c.trim());
  if (list.includes('graphics') || list.includes('all')) return undefined;
  const found = caps === undefined ? 'not set (the runtime then gives compute,utility)' : `'${caps}'`;
  return (
    `NVIDIA_DRIVER_CAPABILITIES is ${found}: without 'graphics' the NVIDIA container runtime does not ` +
    'mount the Vulkan driver, so WebGPU cannot see the GPU. Set NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics ' +
    '(the Dockerfile does) and recreate the container.'
  );
}

/** Reads what the Vulkan loader would find. Never throws; missing folders read as empty. */
export async function inspectVulkan(options: VulkanProbeOptions = {}): Promise<VulkanReport> {
  const env = options.env ?? process.env;
  const libraryDirs = options.libraryDirs ?? systemLibraryDirs(env);
  const loaderDir = libraryDirs.find((d) => existsSync(join(d, 'libvulkan.so.1')));

  const override = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES || null;
  let paths: string[];
  if (override !== null && options.manifestDirs === undefined) {
    paths = override.split(':').filter((p) => p !== '');
  } else {
    const dirs = options.manifestDirs ?? loaderManifestDirs(env);
    paths = [...new Set((await Promise.all(dirs.map(manifestsIn))).flat())];
  }
  const drivers = await Promise.all(paths.map((p) => readDriverFile(p, libraryDirs)));

  const warning = nvidiaCapabilitiesWarning(env);
  return {
    loader: loaderDir === undefined ? null : join(loaderDir, 'libvulkan.so.1'),
    drivers,
    driverOverride: override,
    nvidia: {
      kernelDriver: await kernelDriverVersion(options.nvidiaVersionFile ?? '/proc/driver/nvidia/version'),
      capabilities: env.NVIDIA_DRIVER_CAPABILITIES ?? null,
      ...(warning !== undefined && { warning }),
    },
  };
}

/**
 * What to do when Dawn found no usable adapter, read from what is on disk: the most likely missing
 * part first. Empty when nothing on disk explains it.
 */
export function vulkanFixes(report: VulkanReport): string[] {
  const fixes: string[] = [];
  if (report.loader === null) {
    fixes.push('install the Vulkan loader (Debian/Ubuntu: apt-get install libvulkan1)');
  }
  if (report.nvidia.warning) fixes.push(report.nvidia.warning);
  const usable = report.drivers.filter((d) => d.libraryFound);
  const hardware = usable.filter((d) => d.kind !== 'software');
  if (report.nvidia.kernelDriver !== null && !usable.some((d) => d.kind === 'nvidia')) {
    fixes.push(
      "an NVIDIA driver is loaded but its Vulkan driver (nvidia_icd.json) is not installed: install the driver's " +
        'Vulkan/GL part (Debian: nvidia-vulkan-icd; Ubuntu: libnvidia-gl-<version>), or in a container give it ' +
        'the graphics capability',
    );
  } else if (hardware.length === 0) {
    fixes.push(
      "no hardware Vulkan driver is installed: install your GPU vendor's (NVIDIA: the driver's Vulkan part; " +
        'AMD/Intel: mesa-vulkan-drivers)',
    );
  }
  for (const d of report.drivers.filter((f) => f.problem)) fixes.push(`${d.path}: ${d.problem}`);
  return fixes;
}
