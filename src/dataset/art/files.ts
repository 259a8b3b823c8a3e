import { readdir } from 'node:fs/promises';
import { artKey } from '../character.js';

/**
 * Indexes a folder of art named by code points (`1f9db-200d-2640-fe0f.svg`) by art key. Twemoji and
 * Fluent disagree about FE0F in names, so both are indexed without it.
 */
export async function indexArtFolder(dir: string, extension: string): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  const files = (await readdir(dir)).filter((file) => file.endsWith(extension)).sort();
  for (const file of files) {
    index.set(artKey(file.slice(0, -extension.length)), file);
  }
  return index;
}
