/**
 * Which language runbook speaks. Two are supported; everything else falls back to English.
 *
 * Order (first that is set wins): `--lang`, `RUNBOOK_LANG`, then the POSIX locale — `LC_ALL`, else
 * `LC_MESSAGES`, else `LANG` — and finally English. As POSIX has it, the first locale variable that
 * is set decides, even when it names a language runbook does not have (`LC_ALL=fr_FR.UTF-8` gives
 * English, it does not go on to `LANG`).
 *
 * Any Chinese tag (`zh`, `zh_CN.UTF-8`, `zh-Hans`, `zh-TW`) gives zh-CN: a reader of Traditional
 * Chinese reads the Simplified text far more easily than the English, and Polyv's own console is
 * Simplified.
 */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** A language tag or POSIX locale name → a supported language, or undefined when it names none. */
export function parseLanguage(tag: string): Language | undefined {
  const base = tag.trim().split(/[.@]/)[0]!.replace(/_/g, '-').toLowerCase();
  if (base === '') return undefined;
  if (base === 'c' || base === 'posix') return 'en';
  const primary = base.split('-')[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return undefined;
}

export interface LanguageChoice {
  readonly lang: Language;
  /** Where the choice came from, for `--verbose` and error messages. */
  readonly source: '--lang' | 'RUNBOOK_LANG' | 'LC_ALL' | 'LC_MESSAGES' | 'LANG' | 'default';
}

/** An explicit choice (`--lang`, `RUNBOOK_LANG`) that names no supported language. */
export class UnknownLanguageError extends Error {
  override readonly name = 'UnknownLanguageError';
  constructor(
    readonly source: '--lang' | 'RUNBOOK_LANG',
    readonly value: string,
  ) {
    super(`${source} must be one of ${LANGUAGES.join(', ')}, got ${JSON.stringify(value)}`);
  }
}

/**
 * Resolves the language from the command line's `--lang` value and the environment. An explicit
 * choice runbook cannot honour is an error (the operator asked for something specific); a locale
 * variable naming another language is not (it is the machine's setting, not a request to runbook).
 */
export function resolveLanguage(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): LanguageChoice {
  if (flag !== undefined) {
    const lang = parseLanguage(flag);
    if (!lang) throw new UnknownLanguageError('--lang', flag);
    return { lang, source: '--lang' };
  }
  const own = env['RUNBOOK_LANG'];
  if (own) {
    const lang = parseLanguage(own);
    if (!lang) throw new UnknownLanguageError('RUNBOOK_LANG', own);
    return { lang, source: 'RUNBOOK_LANG' };
  }
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const value = env[name];
    if (value) return { lang: parseLanguage(value) ?? DEFAULT_LANGUAGE, source: name };
  }
  return { lang: DEFAULT_LANGUAGE, source: 'default' };
}

/**
 * The best supported language for an HTTP `Accept-Language` header (RFC 9110 §12.5.4: q-values,
 * `*`), or undefined when it names none, so the caller can apply its own default.
 */
export function negotiateLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  let best: { lang: Language; q: number } | undefined;
  for (const part of header.split(',')) {
    const [tag, ...params] = part.split(';').map((s) => s.trim());
    if (!tag) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang = tag === '*' ? DEFAULT_LANGUAGE : parseLanguage(tag);
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang;
}
