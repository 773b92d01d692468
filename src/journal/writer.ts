import type { JournalRecord } from './records.js';

/**
 * What an engine run writes its journal through: the file journal (Journal) or another store with
 * the same semantics (`runbook serve --redis`: a Redis stream per run, src/cluster/).
 *
 * - `appendDurable` returns once the records are durable, and only then is the call they announce
 *   made. A store that cannot write synchronously returns a promise; the engine awaits it. It throws
 *   (or rejects) when the records cannot be written — and then nothing they announce is sent.
 * - `appendLater` writes without blocking; resolves when durable. Order among these calls is kept.
 */
export interface JournalWriter {
  appendDurable(records: readonly JournalRecord[]): void | Promise<void>;
  appendLater(record: JournalRecord): Promise<void>;
  close(): Promise<void>;
}
