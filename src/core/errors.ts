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

export class RunbookError extends Error {
  override readonly name: string = 'RunbookError';
  constructor(
    /** Stable machine-readable code, e.g. `E_USAGE`, `E_CREDENTIALS`, `E_API`. */
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = ExitCodes.USAGE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A mistake in how runbook was called: bad flag, missing file. Exit 2. */
export class UsageError extends RunbookError {
  override readonly name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_USAGE', message, ExitCodes.USAGE, options);
  }
}

/** Missing or unsafe configuration, e.g. credentials. Exit 5. */
export class ConfigError extends RunbookError {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_CONFIG', message, ExitCodes.CONFIG, options);
  }
}
