import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectVulkan, nvidiaCapabilitiesWarning, vulkanFixes } from '../../src/backend/vulkan.js';

let root: string;
let libs: string;
let icds: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightmask-vulkan-'));
  libs = join(root, 'lib');
  icds = join(root, 'icd.d');
  await mkdir(libs);
  await mkdir(icds);
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const manifest = (library: string) =>
  JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.277' } });

/** A machine laid out under `root`: library and manifest folders, and no NVIDIA kernel driver. */
const inspect = (env: NodeJS.ProcessEnv = {}, nvidiaVersionFile = join(root, 'no-nvidia')) =>
  inspectVulkan({ env, libraryDirs: [libs], manifestDirs: [icds], nvidiaVersionFile });

describe('inspecting the Vulkan loader and drivers', () => {
  it('given the loader and an NVIDIA driver whose library exists, then both are found and nothing needs fixing', async () => {
    await writeFile(join(libs, 'libvulkan.so.1'), '');
    await writeFile(join(libs, 'libGLX_nvidia.so.0'), '');
    await writeFile(join(icds, 'nvidia_icd.json'), manifest('libGLX_nvidia.so.0'));
    const report = await inspect({}, await nvidiaVersion());
    expect(report.loader).toBe(join(libs, 'libvulkan.so.1'));
    expect(report.drivers).toEqual([
      {
        path: join(icds, 'nvidia_icd.json'),
        library: 'libGLX_nvidia.so.0',
        libraryFound: true,
        apiVersion: '1.3.277',
        kind: 'nvidia',
      },
    ]);
    expect(vulkanFixes(report)).toEqual([]);
  });

  it('given no loader and only lavapipe, then the fixes name libvulkan1 and a hardware driver', async () => {
    await writeFile(join(libs, 'libvulkan_lvp.so'), '');
    await writeFile(join(icds, 'lvp_icd.json'), manifest('libvulkan_lvp.so'));
    const report = await inspect();
    expect(report.loader).toBeNull();
    expect(report.drivers[0]?.kind).toBe('software');
    const fixes = vulkanFixes(report);
    expect(fixes[0]).toMatch(/apt-get install libvulkan1/);
    expect(fixes[1]).toMatch(/no hardware Vulkan driver/);
  });

  it('given an NVIDIA kernel driver but no nvidia_icd.json, then the fix names the missing Vulkan part', async () => {
    await writeFile(join(libs, 'libvulkan.so.1'), '');
    const report = await inspect({}, await nvidiaVersion());
    expect(report.nvidia.kernelDriver).toMatch(/^NVRM version/);
    expect(vulkanFixes(report)).toEqual([
      expect.stringMatching(/NVIDIA driver is loaded but its Vulkan driver/),
    ]);
  });

  it('given a manifest whose library is missing or that is not JSON, then each is listed with its problem', async () => {
    await writeFile(join(icds, 'gone_icd.json'), manifest('libvulkan_gone.so'));
    await writeFile(join(icds, 'broken_icd.json'), '{');
    const report = await inspect();
    const problems = Object.fromEntries(report.drivers.map((d) => [d.path, d.problem]));
    expect(problems[join(icds, 'gone_icd.json')]).toMatch(/libvulkan_gone\.so was not found/);
    expect(problems[join(icds, 'broken_icd.json')]).toMatch(/^unreadable/);
  });

  it('given VK_ICD_FILENAMES, then only the files it names are read, as the loader does', async () => {
    const chosen = join(root, 'chosen.json');
    await writeFile(chosen, manifest('/opt/driver/libvk.so'));
    await writeFile(join(icds, 'other_icd.json'), manifest('libother.so'));
    const report = await inspectVulkan({ env: { VK_ICD_FILENAMES: chosen }, libraryDirs: [libs] });
    expect(report.driverOverride).toBe(chosen);
    expect(report.drivers.map((d) => d.path)).toEqual([chosen]);
  });
});

describe("the NVIDIA container runtime's driver capabilities", () => {
  it.each([
    [{ NVIDIA_DRIVER_CAPABILITIES: 'compute,utility' }, /is 'compute,utility': without 'graphics'/],
    [{ NVIDIA_VISIBLE_DEVICES: 'all' }, /not set \(the runtime then gives compute,utility\)/],
  ])('given %o, then a warning says to add graphics', (env, message) => {
    expect(nvidiaCapabilitiesWarning(env)).toMatch(message);
    expect(nvidiaCapabilitiesWarning(env)).toMatch(/NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics/);
  });

  it.each([
    {},
    { NVIDIA_DRIVER_CAPABILITIES: 'compute,utility,graphics' },
    { NVIDIA_DRIVER_CAPABILITIES: 'all' },
    { NVIDIA_VISIBLE_DEVICES: 'void' },
  ])('given %o, then there is nothing to warn about', (env) => {
    expect(nvidiaCapabilitiesWarning(env)).toBeUndefined();
  });
});

async function nvidiaVersion(): Promise<string> {
  const file = join(root, 'nvidia-version');
  await writeFile(file, 'NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15\nGCC version: 12\n');
  return file;
}
