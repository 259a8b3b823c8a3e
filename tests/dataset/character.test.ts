import { describe, expect, it } from 'vitest';
import { artKey, characterKey } from '../../src/dataset/character.js';

describe('artKey', () => {
  it('given an emojibase hexcode with FE0F, then gives lower-case code points without it', () => {
    expect(artKey('1F575-FE0F-200D-2640-FE0F')).toBe('1f575-200d-2640');
    expect(artKey('263A-FE0F')).toBe('263a');
  });
});

describe('characterKey', () => {
  it('given skin-tone and gender variants of the vampire, then all name one character', () => {
    const variants = ['1F9DB', '1F9DB-1F3FB', '1F9DB-200D-2642-FE0F', '1F9DB-1F3FF-200D-2640-FE0F'];
    expect(new Set(variants.map(characterKey))).toEqual(new Set(['1f9db']));
  });

  it('given people encoded per gender (man/woman, boy/girl, prince/princess), then each pair meets', () => {
    expect(characterKey('1F468')).toBe(characterKey('1F469'));
    expect(characterKey('1F468-1F3FD')).toBe(characterKey('1F9D1'));
    expect(characterKey('1F466')).toBe(characterKey('1F467'));
    expect(characterKey('1F934')).toBe(characterKey('1F478'));
    expect(characterKey('1F468-200D-1F9B0')).toBe(characterKey('1F469-1F3FB-200D-1F9B0'));
  });

  it('given different characters, then their keys differ', () => {
    expect(characterKey('1F47B')).not.toBe(characterKey('1F480'));
    expect(characterKey('1F468')).not.toBe(characterKey('1F468-200D-1F9B0'));
    expect(characterKey('1F468')).not.toBe(characterKey('1F466'));
  });
});
