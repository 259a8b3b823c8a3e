import { beforeAll, describe, expect, it } from 'vitest';
import { artKey } from '../../src/dataset/character.js';
import { loadEmojiSelection, type SelectedEmoji, selectEmoji } from '../../src/dataset/selection.js';

const NAMES = {
  groups: { '0': 'smileys-emotion', '1': 'people-body', '4': 'food-drink', '6': 'activities', '9': 'flags' },
  subgroups: {
    '11': 'face-costume',
    '14': 'heart',
    '23': 'person',
    '25': 'person-role',
    '46': 'food-sweet',
    '60': 'event',
    '99': 'country-flag',
  },
};

describe('selectEmoji', () => {
  it('given faces, hearts, people with props, treats and flags, then keeps faces, heads, cast', () => {
    const chosen = selectEmoji(
      [
        { label: 'ghost', hexcode: '1F47B', group: 0, subgroup: 11 },
        { label: 'red heart', hexcode: '2764-FE0F', group: 0, subgroup: 14 },
        {
          label: 'woman',
          hexcode: '1F469',
          group: 1,
          subgroup: 23,
          skins: [{ label: 'woman: dark', hexcode: '1F469-1F3FF' }],
        },
        { label: 'man: red hair', hexcode: '1F468-200D-1F9B0', group: 1, subgroup: 23 },
        { label: 'technologist', hexcode: '1F9D1-200D-1F4BB', group: 1, subgroup: 25 },
        { label: 'pregnant woman', hexcode: '1F930', group: 1, subgroup: 25, tags: ['pregnant'] },
        { label: 'candy', hexcode: '1F36C', group: 4, subgroup: 46, tags: ['halloween'] },
        { label: 'jack-o-lantern', hexcode: '1F383', group: 6, subgroup: 60, tags: ['halloween'] },
        { label: 'flag: Japan', hexcode: '1F1EF-1F1F5', group: 9, subgroup: 99 },
      ],
      NAMES,
    );

    expect(chosen.map((emoji) => [emoji.label, emoji.reason])).toEqual([
      ['ghost', 'face'],
      ['woman', 'head'],
      ['woman: dark', 'head'],
      ['man: red hair', 'head'],
      ['jack-o-lantern', 'cast'],
    ]);
    expect(chosen[1]?.character).toBe(chosen[2]?.character);
  });
});

describe('the demo selection from emojibase-data', () => {
  let selection: SelectedEmoji[];
  let keys: Set<string>;
  beforeAll(async () => {
    selection = await loadEmojiSelection();
    keys = new Set(selection.map((emoji) => emoji.key));
  });

  it('given the pinned metadata, then holds the Halloween cast', () => {
    const cast = {
      'jack-o-lantern': '1F383',
      ghost: '1F47B',
      skull: '1F480',
      ogre: '1F479',
      goblin: '1F47A',
      clown: '1F921',
      alien: '1F47D',
      robot: '1F916',
      'smiling devil': '1F608',
      'angry devil': '1F47F',
      zombie: '1F9DF',
      vampire: '1F9DB',
      mage: '1F9D9',
      'theatre masks': '1F3AD',
    };
    const absent = Object.entries(cast).filter(([, hex]) => !keys.has(artKey(hex)));
    expect(absent).toEqual([]);
  });

  it('given the pinned metadata, then leaves out flags, objects, hearts and people with props', () => {
    const outside = {
      'flag: Japan': '1F1EF-1F1F5',
      paperclip: '1F4CE',
      'red heart': '2764-FE0F',
      technologist: '1F9D1-200D-1F4BB',
      'man technologist': '1F468-200D-1F4BB',
      candy: '1F36C',
    };
    const present = Object.entries(outside).filter(([, hex]) => keys.has(artKey(hex)));
    expect(present).toEqual([]);
  });

  it('given the pinned metadata, then skin tones and genders share a character and keys are unique', () => {
    const vampires = selection.filter((emoji) => emoji.label.includes('vampire'));
    expect(vampires).toHaveLength(18);
    expect(new Set(vampires.map((emoji) => emoji.character)).size).toBe(1);
    expect(keys.size).toBe(selection.length);
  });
});
