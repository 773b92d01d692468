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
  private pending: Promise<void> = Promise.resolve();
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
    writeSync(this.fd, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    fdatasyncSync(this.fd);
    this.counted(records.length);
  }

  /** Writes without blocking; resolves when durable. Order among these calls is kept. */
  appendLater(record: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.pending = this.pending.then(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.closed) return resolve();
          write(this.fd, line, (err) => {
            if (err) return reject(err);
            fdatasync(this.fd, (err2) => {
              if (err2) return reject(err2);
              this.counted(1);
              resolve();
            });
          });
        }),
    );
    return this.pending;
  }

  private counted(n: number): void {
    for (let i = 0; i < n; i += 1) {
      this.writes += 1;
      this.options.afterWrite?.(this.writes);
    }
  }

  async close(): Promise<void> {
    await this.pending.catch(() => undefined);
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
