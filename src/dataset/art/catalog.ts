/** The emoji art sets the demo dataset can draw from. */
export type ArtSourceName = 'noto' | 'twemoji' | 'fluent3d';

export interface ArtSourceInfo {
  name: ArtSourceName;
  title: string;
  /** Who holds the copyright of the drawings. */
  author: string;
  /** SPDX id of the drawings' licence. */
  licence: string;
  licenceUrl: string;
  homepage: string;
  /** The npm package the drawings ship in, and the version the selection was checked against. */
  packageName: string;
  pinnedVersion: string;
}

/**
 * One record per art set. The versions match package.json, which pins them exactly: the selection, the
 * counts in the docs and the reproducibility test hold for these versions.
 */
export const ART_SOURCES: Readonly<Record<ArtSourceName, ArtSourceInfo>> = Object.freeze({
  noto: {
    name: 'noto',
    title: 'Noto Emoji',
    author: 'Google Inc.',
    licence: 'Apache-2.0',
    licenceUrl: 'https://www.apache.org/licenses/LICENSE-2.0',
    homepage: 'https://github.com/googlefonts/noto-emoji',
    packageName: '@iconify-json/noto',
    pinnedVersion: '1.2.9',
  },
  twemoji: {
    name: 'twemoji',
    title: 'Twemoji',
    author: 'Twitter, Inc. and other contributors (maintained by jdecked)',
    licence: 'CC-BY-4.0',
    licenceUrl: 'https://creativecommons.org/licenses/by/4.0/',
    homepage: 'https://github.com/jdecked/twemoji',
    packageName: '@twemoji/svg',
    pinnedVersion: '15.0.0',
  },
  fluent3d: {
    name: 'fluent3d',
    title: 'Fluent Emoji 3D',
    author: 'Microsoft Corporation',
    licence: 'MIT',
    licenceUrl: 'https://github.com/microsoft/fluentui-emoji/blob/main/LICENSE',
    homepage: 'https://github.com/microsoft/fluentui-emoji',
    packageName: '@lobehub/fluent-emoji-3d',
    pinnedVersion: '1.1.0',
  },
});

/** The order sources are listed, rendered and credited in. Noto comes first because it is always on. */
export const SOURCE_ORDER: readonly ArtSourceName[] = ['noto', 'twemoji', 'fluent3d'];
