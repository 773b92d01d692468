import { msg, type Msg } from '../i18n/index.js';
import type { Text } from './diagnostic.js';
import { ExitCodes, RunbookError } from './errors.js';

/**
 * What the operating system's file errors mean to the person running runbook. A full disk, a
 * read-only or forbidden folder, a folder where a file should be: ordinary problems of the machine,
 * reported with what runbook was doing and the path — never as an internal error.
 */
const MEANINGS = {
  ENOSPC: msg('diag.file.meaning.ENOSPC'),
  EDQUOT: msg('diag.file.meaning.EDQUOT'),
  EROFS: msg('diag.file.meaning.EROFS'),
  EACCES: msg('diag.file.meaning.EACCES'),
  EPERM: msg('diag.file.meaning.EPERM'),
  EISDIR: msg('diag.file.meaning.EISDIR'),
  ENOTDIR: msg('diag.file.meaning.ENOTDIR'),
  ENOENT: msg('diag.file.meaning.ENOENT'),
  EEXIST: msg('diag.file.meaning.EEXIST'),
  ELOOP: msg('diag.file.meaning.ELOOP'),
  EMFILE: msg('diag.file.meaning.EMFILE'),
  ENFILE: msg('diag.file.meaning.ENFILE'),
  EIO: msg('diag.file.meaning.EIO'),
  ENAMETOOLONG: msg('diag.file.meaning.ENAMETOOLONG'),
} as const satisfies Record<string, Msg>;

/** A system error code in words: `permission denied (EACCES)`; an unknown code still says its code. */
export function fileErrorReason(sysCode: string | undefined): Msg {
  if (sysCode === undefined) return msg('diag.file.unknownSystemError');
  const meaning = Object.hasOwn(MEANINGS, sysCode) ? MEANINGS[sysCode as keyof typeof MEANINGS] : msg('diag.file.unknownSystemError');
  return msg('diag.file.systemReason', { meaning, code: sysCode });
}

/** A file or folder runbook needs could not be read or written. Exit 2 (usage or file error). */
export class FileError extends RunbookError {
  override readonly name = 'FileError';
  constructor(
    /** What runbook was doing, e.g. "cannot write the journal" (a message of the caller's namespace). */
    readonly what: Text,
    readonly path: string,
    /** The system's code (ENOSPC, EROFS, …) when there is one. */
    readonly sysCode: string | undefined,
    detail?: Text,
    options?: { cause?: unknown },
  ) {
    super('E_FILE', msg('diag.file.error', { what, path, reason: detail ?? fileErrorReason(sysCode) }), ExitCodes.USAGE, options);
  }
}

/** True for an error the file system raised (it carries a file-system code such as ENOSPC). */
export function isSystemFileError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && Object.hasOwn(MEANINGS, code);
}

/** Runs `fn`; a file-system error it throws becomes a FileError saying `what` and `path`. */
export function withFileErrors<T>(what: Text, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toFileError(err, what, path);
  }
}

/** The async form of withFileErrors. */
export async function withFileErrorsAsync<T>(what: Text, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFileError(err, what, path);
  }
}

/** A system file error as a FileError; anything else (a RunbookError, an abort) unchanged. */
export function toFileError(err: unknown, what: Text, path: string): unknown {
  if (err instanceof RunbookError || !isSystemFileError(err)) return err;
  return new FileError(what, path, err.code, undefined, { cause: err });
}
