import { msg, type Msg } from '../i18n/index.js';
import type { Text } from './diagnostic.js';
import { ExitCodes, RunbookError } from './errors.js';

/**
 * What the operating system's file errors mean to the person running runbook. A full disk, a
 * read-only or forbidden folder, a folder where a file should be: ordinary problems of the machine,
 * reported with what runbook was doing and the path — never as an internal error. The words are in
 * the catalogs (`error.file.sys.*`); the code is shown beside them.
 */
const MEANINGS = {
  ENOSPC: 'error.file.sys.enospc',
  EDQUOT: 'error.file.sys.edquot',
  EROFS: 'error.file.sys.erofs',
  EACCES: 'error.file.sys.eacces',
  EPERM: 'error.file.sys.eperm',
  EISDIR: 'error.file.sys.eisdir',
  ENOTDIR: 'error.file.sys.enotdir',
  ENOENT: 'error.file.sys.enoent',
  EEXIST: 'error.file.sys.eexist',
  ELOOP: 'error.file.sys.eloop',
  EMFILE: 'error.file.sys.emfile',
  ENFILE: 'error.file.sys.enfile',
  EIO: 'error.file.sys.eio',
  ENAMETOOLONG: 'error.file.sys.enametoolong',
} as const;

/** A file or folder runbook needs could not be read or written. Exit 2 (usage or file error). */
export class FileError extends RunbookError {
  override readonly name = 'FileError';
  constructor(
    /** What runbook was doing, e.g. `msg('error.file.what.writeJournal')` ("cannot write the journal"). */
    readonly what: Text,
    readonly path: string,
    /** The system's code (ENOSPC, EROFS, …) when there is one. */
    readonly sysCode: string | undefined,
    detail?: Text,
    options?: { cause?: unknown },
  ) {
    super('E_FILE', msg('error.file.failed', { what, path, reason: detail ?? systemReason(sysCode) }), ExitCodes.USAGE, options);
  }
}

/** A system error code in words: `permission denied (EACCES)`; an unknown code still says its code. */
export function systemReason(sysCode: string | undefined): Msg {
  if (!sysCode) return msg('error.file.unknownSystem');
  const meaning = Object.hasOwn(MEANINGS, sysCode) ? msg(MEANINGS[sysCode as keyof typeof MEANINGS]) : msg('error.file.unknownSystem');
  return msg('error.file.system', { meaning, code: sysCode });
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
