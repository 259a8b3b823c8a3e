import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder and package.json, found by walking up from this file (src/ or dist/src/). */
function findRoot(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'nightmask') return { root: dir, version: pkg.version ?? '0.0.0' };
    } catch {
      // Not here; keep climbing.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the nightmask package.json above ${import.meta.url}`);
    dir = parent;
  }
}

const found = findRoot();

/** Absolute path of the repository (or installed package) root. */
export const packageRoot = found.root;
/** nightmask's version, stored in every checkpoint. */
export const packageVersion = found.version;
