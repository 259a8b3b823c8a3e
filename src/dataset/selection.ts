import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { packageFile } from './art/package.js';
import { artKey, characterKey } from './character.js';

/** Why an emoji belongs in the demo set. */
export type SelectionReason = 'face' | 'head' | 'cast';

export interface SelectedEmoji {
  /** File key in the art packages: lower-case code points without FE0F. */
  key: string;
  label: string;
  /** The character it shows, shared by its skin tones and genders (see characterKey). */
  character: string;
  reason: SelectionReason;
}

/** The slice of an emojibase-data entry the selection reads. */
export interface EmojiRecord {
  label: string;
  hexcode: string;
  group?: number | undefined;
  subgroup?: number | undefined;
  tags?: string[] | undefined;
  skins?: EmojiRecord[] | undefined;
}

export interface EmojiGroupNames {
  groups: Record<string, string>;
  subgroups: Record<string, string>;
}

/** In Smileys & Emotion every subgroup named `face-…` holds faces, and so do these two. */
const EXTRA_FACE_SUBGROUPS = new Set(['cat-face', 'monkey-face']);

/** People & Body subgroups whose members are one person, drawn as a head or a bust. */
const HEAD_SUBGROUPS = new Set(['person', 'person-gesture', 'person-role', 'person-fantasy']);

/**
 * Code points that may join a person without adding a prop: skin tones, gender signs, hair styles, the
 * joiner and the variation selector. A person joined to anything else (a laptop, a microscope) is a
 * scene, not a head; this also keeps out the technologist, whose Fluent art shows a branded laptop.
 */
const PERSON_MODIFIERS = new Set([
  ...['1f3fb', '1f3fc', '1f3fd', '1f3fe', '1f3ff'],
  ...['2640', '2642'],
  ...['1f9b0', '1f9b1', '1f9b2', '1f9b3'],
  ...['200d', 'fe0f'],
]);

/** Person-role entries tagged with these are drawn as whole bodies (elsewhere, a baby is tagged 'breast'). */
const BODY_TAGS = new Set(['pregnant', 'breast']);

/** Tags marking the Halloween cast outside the face and people groups: jack-o-lantern, black cat, masks. */
const CAST_TAGS = new Set(['halloween', 'theatre']);

/** Halloween-tagged treats are not characters. */
const NOT_CAST_GROUPS = new Set(['food-drink']);

/**
 * Chooses the demo set's emoji from emojibase metadata: every face in Smileys & Emotion (where the ghost,
 * skull, ogre, goblin, clown, alien, robot and devils live), people's heads without props (where the
 * mage, vampire and zombie live), and the rest of the Halloween cast by tag. Skin-tone variants follow
 * their base. The order is emojibase's, so the result is the same on every run.
 */
export function selectEmoji(records: readonly EmojiRecord[], names: EmojiGroupNames): SelectedEmoji[] {
  const selected: SelectedEmoji[] = [];
  for (const record of records) {
    const reason = reasonFor(record, names);
    if (reason === undefined) continue;

    for (const variant of [record, ...(record.skins ?? [])]) {
      selected.push({
        key: artKey(variant.hexcode),
        label: variant.label,
        character: characterKey(variant.hexcode),
        reason,
      });
    }
  }
  return selected;
}

function reasonFor(record: EmojiRecord, names: EmojiGroupNames): SelectionReason | undefined {
  const group = names.groups[String(record.group)];
  const subgroup = names.subgroups[String(record.subgroup)] ?? '';
  const tags = record.tags ?? [];

  if (group === 'smileys-emotion' && (subgroup.startsWith('face-') || EXTRA_FACE_SUBGROUPS.has(subgroup))) {
    return 'face';
  }
  if (HEAD_SUBGROUPS.has(subgroup)) {
    const props = record.hexcode
      .toLowerCase()
      .split('-')
      .slice(1)
      .filter((cp) => !PERSON_MODIFIERS.has(cp));
    const body = subgroup === 'person-role' && tags.some((tag) => BODY_TAGS.has(tag));
    return props.length === 0 && !body ? 'head' : undefined;
  }
  if (tags.some((tag) => CAST_TAGS.has(tag)) && !NOT_CAST_GROUPS.has(group ?? '')) return 'cast';
  return undefined;
}

const recordSchema: z.ZodType<EmojiRecord> = z.lazy(() =>
  z.object({
    label: z.string(),
    hexcode: z.string().regex(/^[0-9A-Fa-f-]+$/),
    group: z.number().optional(),
    subgroup: z.number().optional(),
    tags: z.array(z.string()).optional(),
    skins: z.array(recordSchema).optional(),
  }),
);
const namesSchema = z.object({
  groups: z.record(z.string(), z.string()),
  subgroups: z.record(z.string(), z.string()),
});

/** Reads emojibase-data's English list and group names and returns {@link selectEmoji}'s choice. */
export async function loadEmojiSelection(): Promise<SelectedEmoji[]> {
  const dataPath = packageFile('emojibase-data', 'en/data.json');
  const groupsPath = packageFile('emojibase-data', 'meta/groups.json');
  const records = z.array(recordSchema).parse(JSON.parse(await readFile(dataPath, 'utf8')));
  const names = namesSchema.parse(JSON.parse(await readFile(groupsPath, 'utf8')));
  return selectEmoji(records, names);
}
