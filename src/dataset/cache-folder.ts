import type { Dirent } from 'node:fs';
import { readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * What is in a cache folder besides the files nightmask wrote there, as paths relative to it with '/'
 * separators, folders ending in '/'. `own` lists nightmask's files; a folder is ours only on the way to
 * one of them. Symbolic links are never followed: a link is listed as foreign, whatever it points to.
 */
export async function foreignEntries(dir: string, own: ReadonlySet<string>): Promise<string[]> {
  return sortEntries(dir, own, false);
}

/**
 * Deletes nightmask's own files under `dir`, then the folders they leave empty, `dir` too; anything
 * else stays where it is and is returned, as foreignEntries would list it.
 */
export async function removeOwnFiles(dir: string, own: ReadonlySet<string>): Promise<string[]> {
  return sortEntries(dir, own, true);
}

async function sortEntries(dir: string, own: ReadonlySet<string>, remove: boolean): Promise<string[]> {
  const foreign: string[] = [];
  const folders = ownFolders(own);

  // Returns whether the folder keeps anything foreign, at any depth.
  const visit = async (relative: string): Promise<boolean> => {
    const entries: Dirent[] = await readdir(path.join(dir, relative), { withFileTypes: true });
    let keeps = false;
    for (const entry of entries) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isFile() && own.has(rel)) {
        if (remove) await unlink(path.join(dir, rel));
      } else if (entry.isDirectory() && folders.has(rel)) {
        if (await visit(rel)) keeps = true;
      } else {
        foreign.push(entry.isDirectory() ? `${rel}/` : rel);
        keeps = true;
      }
    }
    if (remove && !keeps) await rmdir(path.join(dir, relative));
    return keeps;
  };

  await visit('');
  return foreign.sort();
}

/** Every folder on the way to one of the files: 'LICENSES' for 'LICENSES/a.txt'. */
function ownFolders(own: ReadonlySet<string>): Set<string> {
  const folders = new Set<string>();
  for (const file of own) {
    const parts = file.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) folders.add(parts.slice(0, depth).join('/'));
  }
  return folders;
}
