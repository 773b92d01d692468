import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  duration,
  formatMessage,
  list,
  msg,
  negotiateLanguage,
  padEnd,
  parseLanguage,
  resolveLanguage,
  time,
  UnknownLanguageError,
} from '../../src/i18n/index.js';

describe('choosing the language', () => {
  it('--lang, then RUNBOOK_LANG, then LC_ALL, LC_MESSAGES, LANG, then English', () => {
    expect(resolveLanguage('zh-CN', { RUNBOOK_LANG: 'en', LANG: 'en_US.UTF-8' })).toEqual({ lang: 'zh-CN', source: '--lang' });
    expect(resolveLanguage(undefined, { RUNBOOK_LANG: 'zh-CN', LC_ALL: 'en_US.UTF-8' })).toEqual({ lang: 'zh-CN', source: 'RUNBOOK_LANG' });
    expect(resolveLanguage(undefined, { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toEqual({ lang: 'zh-CN', source: 'LC_ALL' });
    expect(resolveLanguage(undefined, { LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toEqual({ lang: 'zh-CN', source: 'LC_MESSAGES' });
    expect(resolveLanguage(undefined, { LANG: 'zh_CN.UTF-8' })).toEqual({ lang: 'zh-CN', source: 'LANG' });
    expect(resolveLanguage(undefined, {})).toEqual({ lang: 'en', source: 'default' });
  });

  it('the first locale variable set decides, even for a language runbook lacks; empty ones are unset', () => {
    expect(resolveLanguage(undefined, { LC_ALL: 'fr_FR.UTF-8', LANG: 'zh_CN.UTF-8' }).lang).toBe('en');
    expect(resolveLanguage(undefined, { LC_ALL: '', LANG: 'zh_CN.UTF-8' }).lang).toBe('zh-CN');
    expect(resolveLanguage(undefined, { LC_ALL: 'C', LANG: 'zh_CN.UTF-8' }).lang).toBe('en');
  });

  it('an explicit choice runbook cannot honour is an error naming where it came from', () => {
    expect(() => resolveLanguage('fr', {})).toThrow(UnknownLanguageError);
    expect(() => resolveLanguage(undefined, { RUNBOOK_LANG: 'klingon' })).toThrow(/RUNBOOK_LANG/);
  });

  it('reads POSIX locale names and BCP 47 tags', () => {
    expect(['zh_CN.UTF-8', 'zh', 'zh-Hans', 'zh_TW.Big5', 'ZH-cn'].map(parseLanguage)).toEqual(Array(5).fill('zh-CN'));
    expect(['en_US.UTF-8', 'en', 'en-GB', 'C', 'POSIX', 'C.UTF-8'].map(parseLanguage)).toEqual(Array(6).fill('en'));
    expect(parseLanguage('de_DE.UTF-8')).toBeUndefined();
  });

  it('negotiates Accept-Language by q-value', () => {
    expect(negotiateLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(negotiateLanguage('fr-FR,en;q=0.5,zh;q=0.4')).toBe('en');
    expect(negotiateLanguage('en;q=0.2, zh-TW;q=0.7')).toBe('zh-CN');
    expect(negotiateLanguage('fr, de')).toBeUndefined();
    expect(negotiateLanguage('zh;q=0, en')).toBe('en');
    expect(negotiateLanguage(undefined)).toBeUndefined();
  });
});

describe('formatting', () => {
  const at = Date.UTC(2026, 11, 15, 11, 30); // 19:30 in Shanghai

  it('times follow the event zone and the language', () => {
    expect(formatMessage(msg('time.pattern.dateTime'), 'en')).toBe('LLL d, HH:mm');
    const p = time(at, 'Asia/Shanghai');
    expect(formatMessage({ key: 'common.languageName.en', params: { p } }, 'en')).toBe('English');
    // Through a real message with a parameter: the unit messages take {n}.
    expect(formatMessage(msg('time.unit.h', { n: time(at, 'Asia/Shanghai') }), 'en')).toBe('Dec 15, 19:30h');
    expect(formatMessage(msg('time.unit.h', { n: time(at, 'Asia/Shanghai') }), 'zh-CN')).toBe('12月15日 19:30小时');
    expect(formatMessage(msg('time.unit.h', { n: time(at, 'America/New_York', 'time') }), 'en')).toBe('06:30:00h');
  });

  it('durations: 1h30m and 1小时30分', () => {
    const d = (ms: number, lang: 'en' | 'zh-CN'): string => formatMessage(msg('time.unit.s', { n: duration(ms) }), lang).slice(0, -1);
    expect(d(5_400_000, 'en')).toBe('1h30m');
    expect(d(5_400_000, 'zh-CN')).toBe('1小时30分');
    expect(d(90_250, 'en')).toBe('1m30s250ms');
    expect(d(0, 'zh-CN')).toBe('0秒');
    expect(d(-60_000, 'en')).toBe('-1m');
  });

  it('lists are joined as each language joins them', () => {
    expect(formatMessage(msg('time.unit.s', { n: list(['a', 'b', 'c']) }), 'en')).toBe('a, b, and cs');
    expect(formatMessage(msg('time.unit.s', { n: list(['a', 'b', 'c']) }), 'zh-CN')).toBe('a、b和c秒');
  });

  it('a missing key fails loudly under RUNBOOK_I18N_STRICT', () => {
    expect(() => formatMessage({ key: 'nope.nothing' as never }, 'en')).toThrow(/no message nope.nothing/);
  });

  it('display width counts CJK characters as two columns', () => {
    expect(displayWidth('签到')).toBe(4);
    expect(displayWidth('a签b')).toBe(4);
    expect(padEnd('频道', 6)).toBe('频道  ');
    expect(padEnd('channel', 3)).toBe('channel');
  });
});
