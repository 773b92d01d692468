import { linkSync, lstatSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExitCodes, RunbookError } from '../core/errors.js';
import { FileError, withFileErrors } from '../core/file-error.js';
import { msg } from '../i18n/index.js';

export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  readonly since: number;
}

/** Another `runbook run` of the same run holds the lock. */
export class LockHeldError extends RunbookError {
  override readonly name = 'LockHeldError';
  constructor(
    readonly holder: LockHolder,
    readonly path: string,
  ) {
    super(
      'E_LOCKED',
      msg('error.journal.lockHeld', { pid: String(holder.pid), host: holder.host, since: new Date(holder.since).toISOString(), path }),
      ExitCodes.LOCKED,
    );
  }
}

/**
 * One writer per run: a lock file created exclusively (link(2) of a fully written file). A lock left by a process that died on this
 * host is taken over (the caller is told, to print a notice); one held by a live process, or by
 * another host, is respected.
 */
export function acquireLock(stateDir: string, runId: string, isAlive: (pid: number) => boolean, pid: number): { release: () => void; recovered?: LockHolder } {
  withFileErrors(msg('error.file.what.createStateFolder'), stateDir, () => mkdirSync(stateDir, { recursive: true }));
  const path = join(stateDir, `${runId}.lock`);
  return withFileErrors(msg('error.file.what.takeLock'), path, () => takeLock(path, isAlive, pid));
}

function takeLock(path: string, isAlive: (pid: number) => boolean, pid: number): { release: () => void; recovered?: LockHolder } {
  const me: LockHolder = { host: hostname(), pid, since: Date.now() };
  let recovered: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      // Written whole under a private name, then linked into place: link() fails with EEXIST like an
      // O_EXCL create, and the lock never exists half-written, so another process never sees a torn one.
      const tmp = `${path}.${me.pid}.tmp`;
      // Created exclusively: never written through a link left at that name.
      rmSync(tmp, { force: true });
      writeFileSync(tmp, JSON.stringify(me), { mode: 0o600, flag: 'wx' });
      try {
        linkSync(tmp, path);
      } finally {
        unlinkSync(tmp);
      }
      return {
        release: () => {
          try {
            const cur = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
            if (cur.pid === me.pid && cur.host === me.host) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
        ...(recovered ? { recovered } : {}),
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Something that is not a file (a folder, say) where the lock goes is no lock: say so.
      if (!lstatSync(path).isFile()) throw new FileError(msg('error.file.what.takeLock'), path, undefined, msg('error.file.notAFileInPlace'));
      let holder: LockHolder;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
      } catch {
        // Unreadable (a crash of an older version between create and write): nobody holds it.
        unlinkSync(path);
        continue;
      }
      if (holder.host === me.host && !isAlive(holder.pid)) {
        recovered = holder;
        unlinkSync(path);
        continue;
      }
      throw new LockHeldError(holder, path);
    }
  }
  throw new RunbookError('E_LOCKED', msg('error.journal.lockNotTaken', { path }), ExitCodes.LOCKED);
}
