// Builds the native kernels at `npm install` / `npm rebuild` time. It never fails the install: without a
// compiler or Node's headers nightmask still works on TF.js's stock kernels, and says so at start.
// When this Node's own headers are on disk, node-gyp is pointed at them (--nodedir) and the build needs
// no network; otherwise node-gyp fetches the headers as it usually does.
// An addon already built from the same sources for the same Node is kept: `npx nightmask` in a fresh
// clone runs this script again, and rebuilding under a running trainer would only cost time.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const prefix = resolve(dirname(process.execPath), '..');
const headers = join(prefix, 'include', 'node', 'node_api.h');
const howTo = 'apt-get install -y g++ make python3 libopenblas0-pthread, then npm rebuild';

function skip(reason) {
  console.warn(`nightmask: native kernels not built (${reason}); training uses the slow stock kernels.`);
  console.warn(`nightmask: to build them: ${howTo}`);
  process.exit(0);
}

if (process.platform !== 'linux') skip(`only Linux is supported, this is ${process.platform}`);

const sourcesDir = join(root, 'src', 'native', 'cc');
const built = join(root, 'build', 'Release', 'nightmask_native.node');
const stamp = join(root, 'build', 'Release', 'nightmask_native.sources');
const hash = createHash('sha256')
  .update(process.version)
  .update(readFileSync(join(root, 'binding.gyp')));
for (const name of readdirSync(sourcesDir).sort())
  hash.update(name).update(readFileSync(join(sourcesDir, name)));
const digest = hash.digest('hex');
if (existsSync(built) && existsSync(stamp)) {
  if (readFileSync(stamp, 'utf8').trim() === digest) {
    console.log('nightmask: native kernels are up to date (build/Release/nightmask_native.node)');
    process.exit(0);
  }
}

// npm's own nodedir setting wins; then this Node's headers if they are installed; else node-gyp's default.
const nodedir = process.env.npm_config_nodedir || (existsSync(headers) ? prefix : undefined);

// npm tells its lifecycle scripts where its own node-gyp is; outside npm, look beside npm, then on PATH.
const candidates = [
  process.env.npm_config_node_gyp,
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));
const [command, ...prefixArgs] = candidates[0] ? [process.execPath, candidates[0]] : ['node-gyp'];

const nodedirArgs = nodedir ? [`--nodedir=${nodedir}`] : [];
const result = spawnSync(command, [...prefixArgs, 'rebuild', ...nodedirArgs, '--loglevel=error'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (result.error) skip(`could not run node-gyp: ${result.error.message}`);
if (result.status !== 0) {
  skip(
    nodedir
      ? 'the compiler failed; its errors are above'
      : `no Node headers at ${headers} and none could be fetched`,
  );
}
writeFileSync(stamp, `${digest}\n`);
console.log('nightmask: native kernels built (build/Release/nightmask_native.node)');
