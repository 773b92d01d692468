import type { Redis } from 'ioredis';
import { ExitCodes, RunbookError } from '../core/errors.js';
import { msg } from '../i18n/index.js';
import type { JournalRecord } from '../journal/records.js';
import type { JournalWriter } from '../journal/writer.js';
import { FENCED_APPEND_LUA, UNHELD_APPEND_LUA } from './fenced-append.js';
import type { JournalMirror } from './journal-mirror.js';
import { JOURNAL_CHANNEL, jobLockKey, journalKey } from './keys.js';

/**
 * This node no longer holds the lesson's job lock (it expired while the node was cut off or
 * stalled, or another node took the lesson over): it writes nothing more for the lesson, and so
 * sends nothing more.
 */
export class FencedError extends RunbookError {
  override readonly name = 'FencedError';
  constructor(readonly runId: string) {
    super('E_CLUSTER_FENCED', msg('cluster.error.fenced', { runId }), ExitCodes.LOCKED);
  }
}

type AppendScript = (lockKey: string, stream: string, token: string, channel: string, runId: string, ...records: string[]) => Promise<string[] | null>;

/** Defines the two append scripts on a connection (EVALSHA, loaded on first use). */
export function defineAppendScripts(redis: Redis): void {
  redis.defineCommand('runbookFencedAppend', { numberOfKeys: 2, lua: FENCED_APPEND_LUA });
  redis.defineCommand('runbookUnheldAppend', { numberOfKeys: 2, lua: UNHELD_APPEND_LUA });
}

function script(redis: Redis, name: 'runbookFencedAppend' | 'runbookUnheldAppend'): AppendScript {
  const fn = (redis as unknown as Record<string, AppendScript>)[name];
  // i18n-exempt: a programming error, never shown to a user
  if (!fn) throw new Error(`defineAppendScripts was not called on this connection (${name})`);
  return fn.bind(redis);
}

/**
 * A run's journal in Redis, written by the node that holds the run's BullMQ job: every append is
 * fenced by the job's lock token (FENCED_APPEND_LUA). Records keep their order: they go out in
 * order on one connection, and Redis runs scripts one at a time. `appendDurable` resolves once
 * Redis has taken the records (durable as Redis is configured: see the README — `appendfsync
 * always` for the file journal's guarantee). Once an append is refused every later one is too: the
 * writer is dead, and `onFenced` is told once.
 */
export class RedisJournalWriter implements JournalWriter {
  private dead: FencedError | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly append: AppendScript;

  constructor(
    redis: Redis,
    private readonly runId: string,
    private readonly token: string,
    private readonly mirror: JournalMirror,
    private readonly onFenced: (err: FencedError) => void,
  ) {
    this.append = script(redis, 'runbookFencedAppend');
  }

  appendDurable(records: readonly JournalRecord[]): Promise<void> | void {
    if (records.length === 0) return;
    return this.write(records);
  }

  appendLater(record: JournalRecord): Promise<void> {
    const p = this.write([record]);
    // Handled here (as the file journal does): a refused write surfaces where it is awaited.
    p.catch(() => undefined);
    return p;
  }

  private write(records: readonly JournalRecord[]): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    const p = this.append(
      jobLockKey(this.runId),
      journalKey(this.runId),
      this.token,
      JOURNAL_CHANNEL,
      this.runId,
      ...records.map((r) => JSON.stringify(r)),
    ).then((ids) => {
      if (!ids) {
        if (!this.dead) {
          this.dead = new FencedError(this.runId);
          this.onFenced(this.dead);
        }
        throw this.dead;
      }
      this.mirror.add(
        this.runId,
        ids.map((id, i) => ({ id, record: records[i]! })),
      );
    });
    this.inflight.add(p);
    const forget = (): void => void this.inflight.delete(p);
    p.then(forget, forget);
    return p;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }
}

/**
 * Appends a person's control or an edit to a run no node holds (its job is waiting for its time):
 * refused (false) when a node took the job meanwhile — the caller then asks that node instead.
 */
export async function appendUnheld(redis: Redis, mirror: JournalMirror, runId: string, records: readonly JournalRecord[]): Promise<boolean> {
  const ids = await script(redis, 'runbookUnheldAppend')(
    jobLockKey(runId),
    journalKey(runId),
    '',
    JOURNAL_CHANNEL,
    runId,
    ...records.map((r) => JSON.stringify(r)),
  );
  if (!ids) return false;
  mirror.add(
    runId,
    ids.map((id, i) => ({ id, record: records[i]! })),
  );
  return true;
}
