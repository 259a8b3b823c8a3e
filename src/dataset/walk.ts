import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Lists the files under `root`, recursing into subfolders, as sorted relative paths with '/' separators.
 * Hidden entries (a name starting with '.') are skipped, and so are `exclude` folders, so that an output
 * folder inside the source folder is not read back as input. Symbolic links to files are followed;
 * links to folders are not, which rules out loops. A link that leads nowhere (a missing target, a loop
 * of links) is listed, so that reading it fails and the failure is reported rather than hidden.
 */
export async function listFiles(root: string, exclude: readonly string[] = []): Promise<string[]> {
  const skipped = new Set(exclude.map((dir) => path.resolve(dir)));
  const found: string[] = [];

  const visit = async (dir: string): Promise<void> => {
    const entries: Dirent[] = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skipped.has(path.resolve(full))) await visit(full);
      } else if (entry.isFile() || (entry.isSymbolicLink() && (await fileOrBroken(full)))) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };

  await visit(root);
  return found.sort();
}

/** Whether the link leads to a file, or to nothing at all; a link to a folder or a device is skipped. */
async function fileOrBroken(link: string): Promise<boolean> {
  return stat(link).then(
    (s) => s.isFile(),
    () => true,
  );
}
