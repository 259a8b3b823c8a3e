import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from '../../log/logger.js';
import { DatasetError } from '../errors.js';

const require = createRequire(import.meta.url);

/**
 * The folder of an installed npm package. Resolving its package.json (rather than its main file) works
 * for the art packages, which have no code to import.
 */
export function packageDir(name: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new DatasetError(
      'package-missing',
      `Expected the npm package ${name} to be installed (the dataset builder reads its files), found ` +
        'nothing. Run "npm ci" in the nightmask folder; nothing is downloaded at run time.',
      { package: name },
    );
  }
}

/** A file inside an installed package. */
export function packageFile(name: string, relative: string): string {
  return path.join(packageDir(name), relative);
}

/** The version of an installed package, from its package.json. */
export function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

/**
 * Warns when an art package is not the version the selection and the tests were checked against: the
 * build still runs, but its images and counts may differ from the documented ones.
 */
export function checkPinned(name: string, pinned: string, logger: Logger): string {
  const version = installedVersion(name);
  if (version !== pinned) {
    logger.warn(
      { package: name, pinned, installed: version },
      'art package is not the pinned version; the demo set may differ from the documented one',
    );
  }
  return version;
}
