import type { Redis } from 'ioredis';
import type { JournalRecord } from '../journal/records.js';
import { journalKey } from './keys.js';

/** A stream entry id `ms-seq`, compared as numbers. */
function before(a: string, b: string): boolean {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am < bm : as < bs;
}

interface MirroredRun {
  /** Entries in stream order. */
  readonly entries: { readonly id: string; readonly record: JournalRecord }[];
  readonly ids: Set<string>;
  records?: readonly JournalRecord[];
}

/**
 * This node's copy of the runs' journals in Redis: the lessons' views and the page read it
 * synchronously. It is filled from the streams (`sync`) and by this node's own appends as soon as
 * Redis took them — so an engine run started here always sees everything it wrote itself — and kept
 * in stream order, whatever order the two arrive in. The stream is the truth: a node that takes a
 * lesson reads its stream again before it starts.
 */
export class JournalMirror {
  private readonly runs = new Map<string, MirroredRun>();

  constructor(private readonly redis: Redis) {}

  read(runId: string): readonly JournalRecord[] {
    const run = this.runs.get(runId);
    if (!run) return [];
    run.records ??= run.entries.map((e) => e.record);
    return run.records;
  }

  /** Entries Redis has taken (their ids from XADD or XRANGE). */
  add(runId: string, entries: readonly { id: string; record: JournalRecord }[]): void {
    let run = this.runs.get(runId);
    if (!run) this.runs.set(runId, (run = { entries: [], ids: new Set() }));
    for (const e of entries) {
      if (run.ids.has(e.id)) continue;
      run.ids.add(e.id);
      let i = run.entries.length;
      while (i > 0 && before(e.id, run.entries[i - 1]!.id)) i -= 1;
      run.entries.splice(i, 0, e);
    }
    run.records = undefined;
  }

  /** Reads what the streams have beyond what is here; resolves once the copies are current. */
  async sync(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    const pipe = this.redis.pipeline();
    for (const id of runIds) {
      const last = this.runs.get(id)?.entries.at(-1)?.id;
      pipe.xrange(journalKey(id), last ? `(${last}` : '-', '+');
    }
    const replies = (await pipe.exec()) ?? [];
    replies.forEach(([err, reply], i) => {
      if (err) throw err;
      this.add(runIds[i]!, entriesOf(reply as [string, string[]][]));
    });
  }
}

/** XRANGE's answer as records. */
export function entriesOf(reply: readonly [string, string[]][]): { id: string; record: JournalRecord }[] {
  return reply.map(([id, fields]) => ({ id, record: JSON.parse(fields[fields.indexOf('r') + 1] ?? 'null') as JournalRecord }));
}

/** A run's whole journal, straight from its stream (`runbook status --redis`). */
export async function readRedisJournal(redis: Redis, runId: string): Promise<JournalRecord[]> {
  const reply = (await redis.xrange(journalKey(runId), '-', '+')) as [string, string[]][];
  return entriesOf(reply).map((e) => e.record);
}
