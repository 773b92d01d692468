import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileError, toFileError } from '../core/file-error.js';
import { msg } from '../i18n/index.js';

const CANNOT_WRITE = msg('error.file.what.write');

/**
 * The one home of atomic writes: into a hidden temporary file in the same folder — created
 * exclusively, never through a link planted there — fsynced, then renamed over the final name, and
 * the folder fsynced. A write that fails midway leaves nothing under the final name and no
 * temporary file. An fsync error on the data is an error (the data may not be on disk); only a
 * folder that cannot be fsynced is tolerated (some file systems refuse it; the rename is atomic).
 */

/** Streams a body to `finalPath` atomically; resolves to the bytes written. */
export async function writeAtomically(body: Readable, finalPath: string, signal?: AbortSignal): Promise<number> {
  const tmp = await exclusiveTemp(finalPath);
  let bytes = 0;
  try {
    // The temp file exists already (created exclusively); it is reopened without following a link.
    const fh = await open(tmp, constants.O_WRONLY | constants.O_NOFOLLOW);
    // Counted from here: a 'data' listener starts the flow, so only once the file can take it.
    body.on('data', (c: Buffer) => (bytes += c.length));
    await pipeline(body, fh.createWriteStream(), signal ? { signal } : {});
    await settle(tmp, finalPath);
    return bytes;
  } catch (err) {
    await rm(tmp, { force: true });
    throw toFileError(err, CANNOT_WRITE, finalPath);
  }
}

/**
 * Writes `data` (a small file: a checkpoint, saved after every history page) to `path` atomically,
 * in one open of the temporary file. The folder must exist.
 */
export async function writeFileAtomically(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const tmp = tempName(path);
  try {
    const fh = await open(tmp, EXCLUSIVE_CREATE, mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await fsyncFolder(dirname(path));
  } catch (err) {
    await rm(tmp, { force: true });
    throw toFileError(err, CANNOT_WRITE, path);
  }
}

/** Create a new file, failing if anything — a file or a link — is already at the name. */
const EXCLUSIVE_CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A hidden, random temporary name beside `finalPath`. */
function tempName(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** A fresh, private temporary file beside `finalPath`, created exclusively (never an existing file or link). */
async function exclusiveTemp(finalPath: string, mode = 0o644): Promise<string> {
  try {
    await mkdir(dirname(finalPath), { recursive: true });
    const tmp = tempName(finalPath);
    const fh = await open(tmp, EXCLUSIVE_CREATE, mode);
    await fh.close();
    return tmp;
  } catch (err) {
    throw toFileError(err, CANNOT_WRITE, finalPath);
  }
}

/** fsync the data, rename it into place, fsync the folder. */
async function settle(tmp: string, finalPath: string): Promise<void> {
  const fh = await open(tmp, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, finalPath);
  await fsyncFolder(dirname(finalPath));
}

/** fsync a folder, making a rename in it durable. Some file systems refuse it: then the rename is still atomic. */
export async function fsyncFolder(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY);
    await fh.sync();
  } catch {
    /* tolerated: see above */
  } finally {
    await fh?.close();
  }
}

/**
 * Makes sure files can be written in `dir` — an export checks this before it asks the platform for
 * anything. Read-only checks, on the folder or, if it does not exist yet, its nearest existing
 * parent: a folder, writable (EACCES, EROFS), with free space (ENOSPC). Nothing is created here, so
 * a process watching the folder (`runbook serve` watches its lessons' folders) sees no change.
 */
export async function ensureWritableFolder(dir: string): Promise<void> {
  const what = msg('error.file.what.writeOutputFolder');
  let at = resolve(dir);
  let st;
  for (;;) {
    try {
      st = await stat(at);
      break;
    } catch (err) {
      const parent = dirname(at);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw toFileError(err, what, dir);
      at = parent;
    }
  }
  if (!st.isDirectory()) throw new FileError(what, dir, 'ENOTDIR');
  try {
    await access(at, constants.W_OK);
  } catch (err) {
    throw toFileError(err, what, dir);
  }
  const space = await statfs(at);
  if (space.bavail === 0) throw new FileError(what, dir, 'ENOSPC');
}
