import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { CATALOGS, catalogKeys, catalogText, LANGUAGES } from '../../src/i18n/index.js';

/**
 * The names of a message's arguments. Their ICU kinds may differ: English needs `{n, plural, …}`
 * where Chinese has one form and writes `{n}`.
 */
function argumentsOf(text: string): string[] {
  const out = new Set<string>();
  const walk = (els: MessageFormatElement[]): void => {
    for (const el of els) {
      if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
      if (el.type === TYPE.tag) {
        walk(el.children);
        continue;
      }
      out.add(el.value);
      if (el.type === TYPE.plural || el.type === TYPE.select) for (const opt of Object.values(el.options)) walk(opt.value);
    }
  };
  walk(parse(text, { ignoreTag: true }));
  return [...out].sort();
}

describe('the catalogs', () => {
  const en = catalogKeys(CATALOGS.en);

  it('every language has exactly the keys of the English catalog', () => {
    for (const lang of LANGUAGES) expect({ lang, keys: catalogKeys(CATALOGS[lang]) }).toEqual({ lang, keys: en });
  });

  it('every message parses as ICU MessageFormat, in every language', () => {
    const broken: string[] = [];
    for (const lang of LANGUAGES)
      for (const key of catalogKeys(CATALOGS[lang]))
        try {
          parse(catalogText(lang, key)!, { ignoreTag: true });
        } catch (e) {
          broken.push(`${lang} ${key}: ${(e as Error).message}`);
        }
    expect(broken).toEqual([]);
  });

  it('the languages agree on each message’s parameter names', () => {
    const disagree: string[] = [];
    for (const key of en) {
      const reference = argumentsOf(catalogText('en', key)!);
      for (const lang of LANGUAGES) {
        const text = catalogText(lang, key);
        if (text === undefined) continue;
        let args: string[];
        try {
          args = argumentsOf(text);
        } catch {
          continue; // reported by the parse test
        }
        if (args.join() !== reference.join()) disagree.push(`${key}: en {${reference.join(', ')}} but ${lang} {${args.join(', ')}}`);
      }
    }
    expect(disagree).toEqual([]);
  });

  it('no message is empty', () => {
    const empty = LANGUAGES.flatMap((lang) =>
      catalogKeys(CATALOGS[lang])
        .filter((k) => catalogText(lang, k)!.trim() === '')
        .map((k) => `${lang} ${k}`),
    );
    expect(empty).toEqual([]);
  });
});
