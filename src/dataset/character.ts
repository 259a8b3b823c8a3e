/**
 * Emoji sequences name the same character in several ways: five skin tones, a man's and a woman's form
 * joined with a gender sign, and for a few people separate code points per gender. These helpers turn a
 * sequence into keys: `artKey` finds the artwork file, `characterKey` says which images show one character.
 */

const VARIATION_SELECTOR = 'fe0f';
const ZWJ = '200d';
const SKIN_TONES = new Set(['1f3fb', '1f3fc', '1f3fd', '1f3fe', '1f3ff']);
const GENDER_SIGNS = new Set(['2640', '2642']);

/**
 * Characters that Unicode encodes as separate code points per gender rather than with a gender sign;
 * each maps to its gender-neutral code point, so a boy and a girl drawn alike stay on one side of the split.
 */
const GENDERED_CODE_POINTS: ReadonlyMap<string, string> = new Map([
  ['1f468', '1f9d1'], // man, woman → person
  ['1f469', '1f9d1'],
  ['1f466', '1f9d2'], // boy, girl → child
  ['1f467', '1f9d2'],
  ['1f474', '1f9d3'], // old man, old woman → older person
  ['1f475', '1f9d3'],
  ['1f934', '1fac5'], // prince, princess → person with crown
  ['1f478', '1fac5'],
  ['1f936', '1f385'], // Mrs. Claus → Santa Claus
  ['1fac3', '1fac4'], // pregnant man, pregnant woman → pregnant person
  ['1f930', '1fac4'],
]);

/** Lower-case code points with the variation selector dropped: how the art packages name their files. */
export function artKey(hexcode: string): string {
  return codePoints(hexcode)
    .filter((cp) => cp !== VARIATION_SELECTOR)
    .join('-');
}

/**
 * The character an emoji shows, ignoring skin tone and gender: `1f9db-1f3fb-200d-2640-fe0f` (woman
 * vampire, light skin tone) and `1f9db` (vampire) both give `1f9db`.
 */
export function characterKey(hexcode: string): string {
  const points = codePoints(hexcode).filter((cp) => cp !== VARIATION_SELECTOR && !SKIN_TONES.has(cp));

  const kept: string[] = [];
  for (let i = 0; i < points.length; i += 1) {
    const cp = points[i] as string;
    const next = points[i + 1];
    if (cp === ZWJ && next !== undefined && GENDER_SIGNS.has(next)) {
      i += 1;
      continue;
    }
    kept.push(i === 0 ? (GENDERED_CODE_POINTS.get(cp) ?? cp) : cp);
  }
  return kept.join('-');
}

function codePoints(hexcode: string): string[] {
  return hexcode
    .toLowerCase()
    .split('-')
    .filter((cp) => cp.length > 0);
}
