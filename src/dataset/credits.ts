import { ART_SOURCES, type ArtSourceName, SOURCE_ORDER } from './art/catalog.js';
import { installedVersion } from './art/package.js';
import type { DatasetManifest } from './cache.js';
import { CHANGES_NOTE } from './licenses/files.js';

/**
 * A short credits text for the bot to show where it names its sources: what the training images are,
 * and for emoji art each set's authors, licence and image count. Twemoji's CC BY 4.0 licence requires
 * this attribution, the licence link and a note of the changes; the others are credited the same way.
 */
export function creditsText(manifest: DatasetManifest): string {
  if (manifest.source.kind === 'folder') {
    return `Training images: ${manifest.count} pictures from the bot owner's own collection.`;
  }

  const lines = [`Training images: ${manifest.count} emoji drawings. ${CHANGES_NOTE}`];
  for (const [source, count] of countBySource(manifest)) {
    const info = catalogEntry(source);
    if (info === undefined) {
      lines.push(`• ${source}: ${count} images`);
      continue;
    }
    const link = info.licence === 'CC-BY-4.0' ? `CC BY 4.0 (${info.licenceUrl})` : info.licence;
    lines.push(`• ${info.title} by ${info.author}, ${link}: ${count} images`);
  }
  return lines.join('\n');
}

/** CREDITS.md for a demo dataset folder: each source, its licence, package version and image count. */
export function creditsMarkdown(manifest: DatasetManifest): string {
  const rows = countBySource(manifest).map(([source, count]) => {
    const info = catalogEntry(source);
    if (info === undefined) return `| ${source} | | | | ${count} |`;
    const version = installedVersion(info.packageName);
    const title = `[${info.title}](${info.homepage})`;
    const licence = `[${info.licence}](${info.licenceUrl})`;
    return `| ${title} | ${info.author} | ${licence} | ${info.packageName} ${version} | ${count} |`;
  });

  return [
    '# Credits',
    '',
    `This folder holds ${manifest.count} training images of ${manifest.sizePx} × ${manifest.sizePx} px,`,
    'built by nightmask from emoji artwork that ships in npm packages. Nothing was downloaded to build it.',
    CHANGES_NOTE,
    '',
    '| Source | By | Licence | Package | Images |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'The emoji were chosen with the names, groups and tags of emojibase-data',
    `${installedVersion('emojibase-data')} (MIT).`,
    'The licence texts and notices of every source are in LICENSES/.',
    '',
  ].join('\n');
}

function countBySource(manifest: DatasetManifest): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of manifest.items) counts.set(item.source, (counts.get(item.source) ?? 0) + 1);
  const rank = (source: string) => {
    const at = SOURCE_ORDER.indexOf(source as ArtSourceName);
    return at < 0 ? SOURCE_ORDER.length : at;
  };
  return [...counts].sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

function catalogEntry(source: string) {
  return Object.hasOwn(ART_SOURCES, source) ? ART_SOURCES[source as ArtSourceName] : undefined;
}
