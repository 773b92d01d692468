import { ExitCodes, RunbookError } from './errors.js';

/**
 * What the operating system's file errors mean to the person running runbook. A full disk, a
 * read-only or forbidden folder, a folder where a file should be: ordinary problems of the machine,
 * reported with what runbook was doing and the path — never as an internal error.
 */
const MEANINGS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'something is already there',
  ELOOP: 'it is a symbolic link (refused)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'an input/output error of the device',
  ENAMETOOLONG: 'the name is too long',
};

/** A file or folder runbook needs could not be read or written. Exit 2 (usage or file error). */
export class FileError extends RunbookError {
  override readonly name = 'FileError';
  constructor(
    /** What runbook was doing, e.g. "cannot write the journal". */
    readonly what: string,
    readonly path: string,
    /** The system's code (ENOSPC, EROFS, …) when there is one. */
    readonly sysCode: string | undefined,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(
      'E_FILE',
      `${what} ${path}: ${detail ?? (sysCode ? `${MEANINGS[sysCode] ?? 'a file system error'} (${sysCode})` : 'a file system error')}`,
      ExitCodes.USAGE,
      options,
    );
  }
}

/** True for an error the file system raised (it carries a file-system code such as ENOSPC). */
export function isSystemFileError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' && Object.hasOwn(MEANINGS, code);
}

/** Runs `fn`; a file-system error it throws becomes a FileError saying `what` and `path`. */
export function withFileErrors<T>(what: string, path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toFileError(err, what, path);
  }
}

/** The async form of withFileErrors. */
export async function withFileErrorsAsync<T>(what: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toFileError(err, what, path);
  }
}

/** A system file error as a FileError; anything else (a RunbookError, an abort) unchanged. */
export function toFileError(err: unknown, what: string, path: string): unknown {
  if (err instanceof RunbookError || !isSystemFileError(err)) return err;
  return new FileError(what, path, err.code, undefined, { cause: err });
}
