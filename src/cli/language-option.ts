import { UsageError } from '../core/errors.js';
import { msg, resolveLanguage, UnknownLanguageError, type Language } from '../i18n/index.js';

/**
 * The language the CLI speaks, chosen before commander builds the program: `--help`, commander's
 * own errors and every command's output are already in it. `--lang X` / `--lang=X` anywhere before
 * a `--` wins (it is a global option, accepted on every command), then RUNBOOK_LANG, LC_ALL,
 * LC_MESSAGES, LANG (resolveLanguage). A value runbook cannot honour is a usage error.
 */
export function cliLanguage(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Language {
  const flag = langFlag(argv);
  try {
    return resolveLanguage(flag, env).lang;
  } catch (err) {
    if (!(err instanceof UnknownLanguageError)) throw err;
    // Said in the language the rest of the environment asks for, when it asks for one we have.
    const source = err.source === '--lang' ? '`--lang`' : 'RUNBOOK_LANG';
    throw new UsageError(msg('cli.usage.unknownLanguage', { source, value: JSON.stringify(err.value) }));
  }
}

/** The fallback language for a usage error about the language itself: the locale's, else English. */
export function languageWithoutFlag(env: Readonly<Record<string, string | undefined>>): Language {
  try {
    return resolveLanguage(undefined, env).lang;
  } catch {
    try {
      return resolveLanguage(undefined, { ...env, RUNBOOK_LANG: undefined }).lang;
    } catch {
      return 'en';
    }
  }
}

/** The `--lang` value on the command line (the last one, as commander keeps the last), or undefined. */
export function langFlag(argv: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--lang') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw new UsageError(msg('cli.usage.langMissing'));
      value = next;
      i += 1;
    } else if (arg.startsWith('--lang=')) value = arg.slice('--lang='.length);
  }
  return value;
}
