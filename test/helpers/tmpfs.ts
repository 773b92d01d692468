import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs for the disk-full and read-only cases: real file-system errors from the kernel, not
 * a mocked `fs`. Needs root (CI runs as root); where mounting is refused, `tmpfsUnavailable` says why
 * and the tests that need it are skipped with that reason printed.
 */
export interface Tmpfs {
  readonly dir: string;
  /** Fills every free byte with a filler file (the next write that needs a new page fails with ENOSPC). */
  fill(): void;
  /** Frees what `fill` took. */
  unfill(): void;
  /** Remounts read-only (EROFS) or read-write again. */
  readOnly(on: boolean): void;
  close(): void;
}

function probe(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = mkdtempSync(join(tmpdir(), 'rb-tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `mount -t tmpfs was refused: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why a tmpfs cannot be mounted here, or undefined when it can. */
export const tmpfsUnavailable: string | undefined = probe();
if (tmpfsUnavailable) console.warn(`skipping the tmpfs tests: ${tmpfsUnavailable}`);

export function mountTmpfs(sizeKb: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'rb-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir], { stdio: 'pipe' });
  const filler = join(dir, '.filler');
  return {
    dir,
    fill: () => {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x78);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
    },
    unfill: () => rmSync(filler, { force: true }),
    readOnly: (on) => execFileSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir], { stdio: 'pipe' }),
    close: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A folder inside the tmpfs. */
export function sub(t: Tmpfs, name: string): string {
  const d = join(t.dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}
