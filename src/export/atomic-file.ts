import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Streams a body to `finalPath` atomically: into a hidden temporary file in the same folder, fsynced,
 * then renamed. A stream that breaks midway leaves nothing under the final name, and no temp file.
 */
export async function writeAtomically(body: Readable, finalPath: string, signal?: AbortSignal): Promise<number> {
  await mkdir(dirname(finalPath), { recursive: true });
  const tmp = join(dirname(finalPath), `.${basename(finalPath)}.${randomBytes(6).toString('hex')}.tmp`);
  let bytes = 0;
  try {
    body.on('data', (c: Buffer) => (bytes += c.length));
    await pipeline(body, createWriteStream(tmp, { mode: 0o644 }), signal ? { signal } : {});
    await fsyncFile(tmp);
    await rename(tmp, finalPath);
    await fsyncFile(dirname(finalPath));
    return bytes;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** fsync a file or a folder (the latter makes a rename durable; some filesystems refuse it). */
export async function fsyncFile(path: string): Promise<void> {
  try {
    const fh = await open(path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* a folder that cannot be fsynced: the rename is still atomic */
  }
}
