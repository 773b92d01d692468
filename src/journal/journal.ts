import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync, readFileSync, write, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalRecord } from './records.js';

export interface JournalOptions {
  /** Called after every durable write with the running count (tests use it to crash at write N). */
  readonly afterWrite?: (count: number) => void;
}

/**
 * An append-only, fsynced JSON-lines file per run (`<stateDir>/<runId>.jsonl`).
 * `appendDurable` (intents) returns only once the records are on disk: the call they announce is
 * made after. `appendLater` (outcomes, checkpoints) writes without blocking the scheduler; its
 * records are durable when the returned promise settles. Appends use O_APPEND, so records never
 * interleave. A torn last line (a crash mid-write) is ignored on read.
 */
export class Journal {
  private readonly fd: number;
  private writes = 0;
  /** Records waiting for the next `appendLater` flush, with their callers. */
  private batch: { line: string; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;
  private drained: (() => void)[] = [];
  /** A failed write leaves the file in doubt: every later append fails with the same error. */
  private failed: unknown;
  private closed = false;

  private constructor(readonly path: string, private readonly options: JournalOptions) {
    this.fd = openSync(path, 'a', 0o600);
  }

  static open(stateDir: string, runId: string, options: JournalOptions = {}): Journal {
    mkdirSync(stateDir, { recursive: true });
    return new Journal(journalPath(stateDir, runId), options);
  }

  /** Writes the records and fsyncs before returning: group commit for everything due at one instant. */
  appendDurable(records: readonly JournalRecord[]): void {
    if (records.length === 0) return;
    if (this.failed) throw this.failed;
    writeSync(this.fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    fdatasyncSync(this.fd);
    this.counted(records.length);
  }

  /**
   * Writes without blocking; resolves when durable. Order among these calls is kept. Group commit:
   * records that arrive while a write and fsync are under way go out together in the next one, so a
   * hundred answers coming back from one burst cost a few fsyncs, not a hundred.
   */
  appendLater(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    return new Promise<void>((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.batch.push({ line, resolve, reject });
      if (!this.flushing) this.flush();
    });
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
    const done = (err: unknown): void => {
      this.flushing = false;
      if (err) {
        this.failed ??= err;
        for (const b of batch) b.reject(err);
        for (const b of this.batch.splice(0)) b.reject(err);
      } else {
        this.counted(batch.length);
        for (const b of batch) b.resolve();
      }
      this.flush();
    };
    write(this.fd, batch.map((b) => b.line).join(''), (err) => (err ? done(err) : fdatasync(this.fd, (err2) => done(err2))));
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

/** Reads a journal; a torn final line (crash mid-write) is skipped, any other bad line is an error. */
export function readJournal(path: string): JournalRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  const out: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as JournalRecord);
    } catch (err) {
      const last = i === lines.length - 1 || (i === lines.length - 2 && lines[lines.length - 1] === '');
      if (!last) throw new Error(`journal ${path} line ${i + 1} is corrupt`, { cause: err });
    }
  });
  return out;
}
