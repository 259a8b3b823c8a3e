import { readFile } from 'node:fs/promises';
import { ART_SOURCES, type ArtSourceName } from '../art/catalog.js';
import { installedVersion, packageFile } from '../art/package.js';
import { APACHE_2_0_TEXT } from './apache-2.0.js';
import { mitLicenceText } from './mit.js';

/** How the demo build changes each drawing; CC BY 4.0 asks that changes be indicated. */
export const CHANGES_NOTE =
  'Each drawing was cropped to its edges, resized, centred and flattened onto a mid-grey square.';

/**
 * The licence files a demo dataset carries, by path relative to the dataset folder: one per art set used,
 * plus emojibase-data's, whose names and groups chose the emoji and label the manifest. A package's own
 * licence file is copied when it ships one; otherwise the licence it declares is written out in full.
 */
export async function licenceFiles(sources: readonly ArtSourceName[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of sources) {
    const [file, text] = await licenceFor(name);
    files[`LICENSES/${file}`] = text;
  }

  const emojibase = await readFile(packageFile('emojibase-data', 'LICENSE'), 'utf8');
  files['LICENSES/emojibase-data-MIT.txt'] =
    `emojibase-data ${installedVersion('emojibase-data')}: emoji names, groups and tags.\n\n${emojibase}`;
  return files;
}

async function licenceFor(name: ArtSourceName): Promise<[string, string]> {
  const info = ART_SOURCES[name];
  const version = installedVersion(info.packageName);
  const from = `Source: ${info.homepage}, via the npm package ${info.packageName} ${version}.`;

  switch (name) {
    case 'noto':
      return [
        'noto-emoji-Apache-2.0.txt',
        `Noto Emoji artwork, copyright ${info.author}, licensed under the Apache License, Version 2.0.\n` +
          `${from}\n${CHANGES_NOTE}\n\n${APACHE_2_0_TEXT}`,
      ];
    case 'twemoji': {
      const packaging = await readFile(packageFile(info.packageName, 'license'), 'utf8');
      return [
        'twemoji-CC-BY-4.0.txt',
        'Twemoji graphics, copyright 2019 Twitter, Inc and other contributors, maintained since 2023 by ' +
          'jdecked.\n' +
          `Licensed under Creative Commons Attribution 4.0 International (CC BY 4.0): ${info.licenceUrl}\n` +
          `${from}\n${CHANGES_NOTE}\n\n` +
          `The npm packaging (${info.packageName}) carries its own licence file, copied here:\n\n` +
          packaging,
      ];
    }
    case 'fluent3d':
      return [
        'fluent-emoji-3d-MIT.txt',
        `Fluent Emoji 3D artwork by ${info.author}, licensed under the MIT License below.\n${from}\n` +
          `${CHANGES_NOTE}\nOnly faces, heads and Halloween characters were taken from the package, ` +
          'never its flags, objects or brand art, which Microsoft did not release under this licence.\n\n' +
          `${mitLicenceText('Copyright (c) Microsoft Corporation.')}\n` +
          `The npm packaging is MIT licensed too:\n\n${mitLicenceText('Copyright (c) 2023 LobeHub')}`,
      ];
  }
}
