import { IntlMessageFormat } from 'intl-messageformat';
import { DateTime } from 'luxon';
import { catalogText } from './catalog.js';
import type { Language } from './language.js';
import { isMsg, type DurationParam, type ListParam, type MessageKey, type Msg, type MsgParam, type MsgParams, type TimeParam } from './message.js';

/**
 * Formats messages in one language. Compiled ICU formats are cached per language and key: a run
 * formats the same few dozen messages thousands of times.
 *
 * A key missing from the catalog, or a parameter the message needs but was not given, is a bug in
 * runbook, not in the user's input. During a live lesson the safest answer to that bug is still to
 * say something, so the message falls back to its key and parameters; tests set
 * RUNBOOK_I18N_STRICT=1 (vitest and the CLI test helpers do) and such a bug fails them instead.
 */
const compiled = new Map<string, IntlMessageFormat>();

function compile(lang: Language, key: string): IntlMessageFormat | undefined {
  const id = `${lang}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    const text = catalogText(lang, key);
    if (text === undefined) return undefined;
    f = new IntlMessageFormat(text, lang, undefined, { ignoreTag: true });
    compiled.set(id, f);
  }
  return f;
}

/** A message in `lang`. */
export function formatMessage(m: Msg, lang: Language): string {
  const f = compile(lang, m.key);
  if (!f) return fallback(m, `no message ${m.key} in the ${lang} catalog`);
  try {
    const out = f.format(formatParams(m.params, lang));
    return typeof out === 'string' ? out : String(out);
  } catch (e) {
    return fallback(m, e instanceof Error ? e.message : String(e));
  }
}

/** Formats one key directly: `t('en', 'cli.validate.valid', { count: 2 })`. */
export function t(lang: Language, key: MessageKey, params?: MsgParams): string {
  return formatMessage(params ? { key, params } : { key }, lang);
}

function formatParams(params: MsgParams | undefined, lang: Language): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (!params) return out;
  for (const [name, value] of Object.entries(params)) out[name] = formatParam(value, lang);
  return out;
}

function formatParam(value: MsgParam, lang: Language): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (isMsg(value)) return formatMessage(value, lang);
  switch (value.kind) {
    case 'time':
      return formatTime(value, lang);
    case 'duration':
      return formatDuration(value, lang);
    case 'list':
      return formatList(value, lang);
  }
}

function fallback(m: Msg, why: string): string {
  if (process.env['RUNBOOK_I18N_STRICT'] === '1') throw new Error(`i18n: ${why}`);
  return m.params ? `${m.key} ${JSON.stringify(m.params)}` : m.key;
}

/** A time in its zone by the language's conventions; the patterns are luxon's, kept in the catalog (`time.pattern.*`). */
export function formatTime(p: TimeParam, lang: Language): string {
  const pattern = catalogText(lang, `time.pattern.${p.style ?? 'dateTime'}`) ?? "yyyy-MM-dd'T'HH:mm:ssZZ";
  const dt = DateTime.fromMillis(p.ms, { zone: p.zone, locale: lang });
  return dt.isValid ? dt.toFormat(pattern) : DateTime.fromMillis(p.ms, { zone: 'utc', locale: lang }).toFormat(pattern);
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const;

/** 5_400_000 → `1h30m` / `1小时30分`; the unit words come from the catalog (`time.unit.*`). */
export function formatDuration(p: DurationParam, lang: Language): string {
  const sign = p.ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(p.ms));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      parts.push(t(lang, `time.unit.${unit}`, { n: Math.floor(rest / size) }));
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(t(lang, parts.length === 0 && rest === 0 ? 'time.unit.s' : 'time.unit.ms', { n: rest }));
  return sign + parts.join('');
}

function formatList(p: ListParam, lang: Language): string {
  const items = p.items.map((i) => String(formatParam(i, lang)));
  return new Intl.ListFormat(lang, { type: p.type === 'or' ? 'disjunction' : 'conjunction' }).format(items);
}
