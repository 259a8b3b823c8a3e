// Builds the native kernels at `npm install` / `npm rebuild` time. It never fails the install: without a
// compiler or Node's headers nightmask still works on TF.js's stock kernels, and says so at start.
// node-gyp is pointed at this Node's own headers (--nodedir) so the build needs no network.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
if (!existsSync(headers)) skip(`Node's headers are missing: no ${headers}`);

// npm tells its lifecycle scripts where its own node-gyp is; outside npm, look beside npm, then on PATH.
const candidates = [
  process.env.npm_config_node_gyp,
  join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));
const [command, ...prefixArgs] = candidates[0] ? [process.execPath, candidates[0]] : ['node-gyp'];

const result = spawnSync(command, [...prefixArgs, 'rebuild', `--nodedir=${prefix}`, '--loglevel=error'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (result.error) skip(`could not run node-gyp: ${result.error.message}`);
if (result.status !== 0) skip('the compiler failed; its errors are above');
console.log('nightmask: native kernels built (build/Release/nightmask_native.node)');
