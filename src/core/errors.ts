import { formatMessage, type Language } from '../i18n/index.js';
import type { Text } from './diagnostic.js';

/**
 * Runtime errors (as opposed to authoring diagnostics). Every error runbook raises on purpose is a
 * RunbookError with a stable `code` and an exit-code band, so the CLI can print one clear line and
 * exit with the right status instead of a stack trace.
 *
 * Exit codes: 0 ok; 1 invalid playbook; 2 usage / file errors; 3 some actions failed;
 * 4 some actions ambiguous (none failed); 5 configuration or credentials; 6 lock held; 130 interrupted.
 */
export const ExitCodes = {
  OK: 0,
  INVALID: 1,
  USAGE: 2,
  FAILED: 3,
  AMBIGUOUS: 4,
  CONFIG: 5,
  LOCKED: 6,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/**
 * `text` is what the CLI shows, formatted in the reader's language; `message` (the Error's) is its
 * English form, for logs and programs that only read `Error.message`.
 */
export class RunbookError extends Error {
  override readonly name: string = 'RunbookError';
  readonly text: Text;
  constructor(
    /** Stable machine-readable code, e.g. `E_USAGE`, `E_CREDENTIALS`, `E_API`. */
    readonly code: string,
    text: Text,
    readonly exitCode: ExitCode = ExitCodes.USAGE,
    options?: { cause?: unknown },
  ) {
    super(formatMessage(text, 'en'), options);
    this.text = text;
  }

  /** The message in `lang`. */
  textIn(lang: Language): string {
    return formatMessage(this.text, lang);
  }
}

/** A mistake in how runbook was called: bad flag, missing file. Exit 2. */
export class UsageError extends RunbookError {
  override readonly name = 'UsageError';
  constructor(message: Text, options?: { cause?: unknown }) {
    super('E_USAGE', message, ExitCodes.USAGE, options);
  }
}

/** Missing or unsafe configuration, e.g. credentials. Exit 5. */
export class ConfigError extends RunbookError {
  override readonly name = 'ConfigError';
  constructor(message: Text, options?: { cause?: unknown }) {
    super('E_CONFIG', message, ExitCodes.CONFIG, options);
  }
}
