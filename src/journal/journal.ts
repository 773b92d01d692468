import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  write,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ExitCodes, RunbookError } from '../core/errors.js';
import { FileError, isSystemFileError, toFileError, withFileErrors } from '../core/file-error.js';
import { msg } from '../i18n/index.js';
import type { JournalRecord } from './records.js';

export interface JournalOptions {
  /** Called after every durable write with the running count (tests use it to crash at write N). */
  readonly afterWrite?: (count: number) => void;
}

/** A torn last line removed when the journal was opened (a crash or a full disk mid-write). */
export interface JournalRepair {
  readonly path: string;
  /** Bytes cut off: the fragment of a record that was never written whole. */
  readonly bytes: number;
}

/**
 * The journal file was deleted, moved away or replaced while the run was writing it. Whatever is
 * at its path now is not this run's record: nothing more is sent, so that a resumed run cannot send
 * again what this one sent.
 */
export class JournalGoneError extends RunbookError {
  override readonly name = 'JournalGoneError';
  constructor(
    readonly path: string,
    how: 'deleted' | 'replaced',
  ) {
    super('E_JOURNAL_GONE', msg('error.journal.gone', { path, how }), ExitCodes.USAGE);
  }
}

/** A line other than the last is not a record: the journal was edited or damaged. */
export class JournalCorruptError extends RunbookError {
  override readonly name = 'JournalCorruptError';
  constructor(
    readonly path: string,
    readonly line: number,
    options?: { cause?: unknown },
  ) {
    super('E_JOURNAL_CORRUPT', msg('error.journal.corrupt', { path, line: String(line) }), ExitCodes.USAGE, options);
  }
}

const WHAT_WRITE = msg('error.file.what.writeJournal');

/**
 * An append-only, fsynced JSON-lines file per run (`<stateDir>/<runId>.jsonl`).
 * `appendDurable` (intents) returns only once the records are on disk: the call they announce is
 * made after. `appendLater` (outcomes, checkpoints) writes without blocking the scheduler; its
 * records are durable when the returned promise settles. Appends use O_APPEND, so records never
 * interleave.
 *
 * Every write is checked: a short write is continued, and a failed one (a full disk) cuts the file
 * back to its last whole record, so the journal still reads; every later append then fails with the
 * same FileError. Opening it repairs a torn last line left by an earlier crash (cut off, durably; the
 * caller is told), so that new records never follow a fragment. The file's identity (device and
 * inode) is checked before each write: a journal deleted or replaced mid-run stops the run.
 */
export class Journal {
  private readonly fd: number;
  private readonly dev: number;
  private readonly ino: number;
  /** Bytes of whole records in the file: where a failed write is cut back to. */
  private size: number;
  private writes = 0;
  /** Records waiting for the next `appendLater` flush, with their callers. */
  private batch: { line: string; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;
  private drained: (() => void)[] = [];
  /** A failed write leaves the file in doubt: every later append fails with the same error. */
  private failed: unknown;
  private closed = false;
  /** The torn tail cut off on open, if there was one. */
  readonly repaired: JournalRepair | undefined;

  private constructor(
    readonly path: string,
    private readonly options: JournalOptions,
  ) {
    // O_NOFOLLOW: a symbolic link planted where the journal goes is refused, not written through.
    this.fd = withFileErrors(msg('error.file.what.openJournal'), path, () =>
      openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600),
    );
    try {
      const st = fstatSync(this.fd);
      if (!st.isFile()) throw new FileError(msg('error.file.what.openJournal'), path, undefined, msg('error.file.notRegular'));
      this.dev = st.dev;
      this.ino = st.ino;
      this.size = st.size;
      this.repaired = this.repairTail(st.size);
    } catch (err) {
      closeSync(this.fd);
      throw err;
    }
  }

  static open(stateDir: string, runId: string, options: JournalOptions = {}): Journal {
    withFileErrors(msg('error.file.what.createStateFolder'), stateDir, () => mkdirSync(stateDir, { recursive: true }));
    return new Journal(journalPath(stateDir, runId), options);
  }

  /** Cuts a last line that has no newline (never written whole) and makes the cut durable. */
  private repairTail(size: number): JournalRepair | undefined {
    if (size === 0) return undefined;
    // Read back from the end until a newline: the fragment is at most one record long.
    let end = size;
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(this.fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        end = start + nl + 1;
        break;
      }
      if (start === 0) {
        end = 0;
        break;
      }
      end = start;
    }
    if (end === size) return undefined;
    withFileErrors(msg('error.file.what.repairJournal'), this.path, () => {
      ftruncateSync(this.fd, end);
      fdatasyncSync(this.fd);
    });
    this.size = end;
    return { path: this.path, bytes: size - end };
  }

  /** Writes the records and fsyncs before returning: group commit for everything due at one instant. */
  appendDurable(records: readonly JournalRecord[]): void {
    if (records.length === 0) return;
    if (this.failed) throw this.failed;
    this.checkIdentity();
    const buf = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
      fdatasyncSync(this.fd);
    } catch (err) {
      throw this.fail(err);
    }
    this.size += buf.length;
    this.counted(records.length);
  }

  /**
   * Writes without blocking; resolves when durable. Order among these calls is kept. Group commit:
   * records that arrive while a write and fsync are under way go out together in the next one, so a
   * hundred answers coming back from one burst cost a few fsyncs, not a hundred.
   */
  appendLater(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const durable = new Promise<void>((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.batch.push({ line, resolve, reject });
      if (!this.flushing) this.flush();
    });
    // Marked handled here, so a failed write (a full disk) never ends the process as an unhandled
    // rejection before its caller awaits it; awaiting it still throws.
    durable.catch(() => undefined);
    return durable;
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0 || this.closed) {
      for (const b of batch) b.resolve();
      for (const d of this.drained.splice(0)) d();
      return;
    }
    this.flushing = true;
    const buf = Buffer.from(batch.map((b) => b.line).join(''));
    const done = (err: unknown): void => {
      this.flushing = false;
      if (err) {
        const failure = this.failed ?? this.fail(err);
        for (const b of batch) b.reject(failure);
        for (const b of this.batch.splice(0)) b.reject(failure);
      } else {
        this.size += buf.length;
        this.counted(batch.length);
        for (const b of batch) b.resolve();
      }
      this.flush();
    };
    try {
      this.checkIdentity();
    } catch (err) {
      done(err);
      return;
    }
    // A short write is continued from where it stopped; an error ends the batch.
    const writeFrom = (off: number): void =>
      write(this.fd, buf, off, buf.length - off, null, (err, n) => {
        if (err) return done(err);
        if (off + n < buf.length) return writeFrom(off + n);
        fdatasync(this.fd, (err2) => done(err2));
      });
    writeFrom(0);
  }

  /**
   * Records a failed write: the file is cut back to its last whole record (best effort: on a full
   * disk, shrinking a file still works), and the error every later append gets is returned.
   */
  private fail(err: unknown): unknown {
    if (this.failed) return this.failed;
    try {
      ftruncateSync(this.fd, this.size);
      fdatasyncSync(this.fd);
    } catch {
      /* the next open repairs the torn tail */
    }
    this.failed =
      err instanceof RunbookError
        ? err
        : new FileError(
            WHAT_WRITE,
            this.path,
            isSystemFileError(err) ? err.code : undefined,
            isSystemFileError(err) ? undefined : msg('error.unexpected', { message: String(err) }),
            {
              cause: err,
            },
          );
    return this.failed;
  }

  /** The file at our path must still be the one we opened: not deleted, not replaced. */
  private checkIdentity(): void {
    let st;
    try {
      st = statSync(this.path);
    } catch {
      throw this.fail(new JournalGoneError(this.path, 'deleted'));
    }
    if (st.ino !== this.ino || st.dev !== this.dev) throw this.fail(new JournalGoneError(this.path, 'replaced'));
  }

  private counted(n: number): void {
    for (let i = 0; i < n; i += 1) {
      this.writes += 1;
      this.options.afterWrite?.(this.writes);
    }
  }

  async close(): Promise<void> {
    if (this.flushing || this.batch.length > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    if (!this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}

export function journalPath(stateDir: string, runId: string): string {
  return join(stateDir, `${runId}.jsonl`);
}

/**
 * Reads a journal; a torn final line (crash mid-write, repaired when the journal is next opened for
 * writing) is skipped, any other bad line is a JournalCorruptError.
 */
export function readJournal(path: string): JournalRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw toFileError(err, msg('error.file.what.readJournal'), path);
  }
  const lines = text.split('\n');
  const out: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch (err) {
      // Only the last line can be torn: every record is written with its newline in one write.
      if (i !== lines.length - 1) throw new JournalCorruptError(path, i + 1, { cause: err });
    }
  });
  return out;
}
