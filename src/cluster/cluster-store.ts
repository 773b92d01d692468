import { LockHeldError, type LockHolder } from '../journal/lock.js';
import type { JournalWriter } from '../journal/writer.js';
import { formatMessage, msg } from '../i18n/index.js';
import type { LessonStore } from '../serve/lesson-store.js';
import type { JournalMirror } from './journal-mirror.js';
import { RedisJournalWriter, type FencedError } from './redis-journal.js';
import type { Redis } from 'ioredis';

/** A lesson this node holds: its job's lock token, and whether the lock was lost since. */
export interface Holding {
  readonly token: string;
  lost: boolean;
}

/**
 * The lessons' store on a cluster node: journals read from the node's mirror of the streams,
 * written to Redis fenced by the job lock; the "lock" of a lesson is its BullMQ job, held by one
 * node at a time — a lesson runs on this node only while the node holds it.
 */
export function clusterLessonStore(o: {
  readonly redis: Redis;
  readonly mirror: JournalMirror;
  readonly held: ReadonlyMap<string, Holding>;
  readonly onFenced: (runId: string, err: FencedError) => void;
}): LessonStore {
  const holding = (runId: string): Holding | undefined => {
    const h = o.held.get(runId);
    return h && !h.lost ? h : undefined;
  };
  return {
    read: (runId) => o.mirror.read(runId),
    lock: (runId) => {
      if (holding(runId)) return { release: () => undefined };
      throw new LockHeldError(holderOf(o.mirror, runId), where(runId));
    },
    open: (runId): JournalWriter => {
      const h = holding(runId);
      if (!h) throw new LockHeldError(holderOf(o.mirror, runId), where(runId));
      return new RedisJournalWriter(o.redis, runId, h.token, o.mirror, (err) => o.onFenced(runId, err));
    },
    mayStart: (runId) => holding(runId) !== undefined,
  };
}

/** Who ran the lesson last, as its journal says (the newest run-start). */
function holderOf(mirror: JournalMirror, runId: string): LockHolder {
  const records = mirror.read(runId);
  for (let i = records.length - 1; i >= 0; i -= 1) {
    const r = records[i]!;
    if (r.t === 'run-start') return { host: r.host, pid: r.pid, since: r.at };
  }
  return { host: formatMessage(msg('cluster.lock.anotherNode'), 'en'), pid: 0, since: Date.now() };
}

/** Where the lock is, in the place of a lock file's path (LockHeldError takes a path, in English). */
function where(runId: string): string {
  return formatMessage(msg('cluster.lock.where', { runId }), 'en');
}
