import type { Language } from '../i18n/index.js';

/**
 * Everything a command may touch of the outside world, passed in so tests can run the CLI in-process
 * and so that only the CLI reads `process`.
 */
export interface CliContext {
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The language everything the CLI shows a person is in: `--lang`, else RUNBOOK_LANG, else the locale (main.ts). */
  readonly lang: Language;
  readonly cwd: string;
  /** True when stdout is an interactive terminal (live views, colour). */
  readonly isTTY: boolean;
  /** False when NO_COLOR is set (https://no-color.org) or output is not a terminal. */
  readonly color: boolean;
  /** Aborted on Ctrl-C / SIGTERM; long-running commands stop cleanly when it fires. */
  readonly signal: AbortSignal;
  /** Set by a command's action to report its result. */
  exitCode: number;
  /** The words that start this program from the user's shell (launcher.ts); default `runbook`. */
  readonly launcher?: readonly string[];
  /** Test hooks (test-hooks-bin.ts only); absent in the product CLI. */
  readonly hooks?: CliHooks;
}

/** Called by `run` after each durable journal write and by `export history` after each page. */
/** What the process entry gives `main`; main adds the language, which it resolves from argv and env. */
export type CliContextInput = Omit<CliContext, 'lang'>;

export interface CliHooks {
  readonly afterJournalWrite?: (count: number) => void;
  readonly afterPage?: (pages: number) => void;
}

export interface Writer {
  write(text: string): void;
}

export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return isTTY;
}
