import { LockHeldError, type LockHolder } from '../journal/lock.js';
import type { JournalWriter } from '../journal/writer.js';
import { formatMessage, msg } from '../i18n/index.js';
import type { JournalRecord } from '../journal/records.js';
import { ControlRefused } from '../serve/lesson.js';
import type { ControlRequest, LessonStore } from '../serve/lesson-store.js';
import type { ControlRecord } from '../journal/records.js';
import type { JournalMirror } from './journal-mirror.js';
import { appendUnheld, RedisJournalWriter, type FencedError } from './redis-journal.js';
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
  readonly controlElsewhere: (runId: string, request: ControlRequest) => Promise<ControlRecord | undefined>;
}): LessonStore {
  const holding = (runId: string): Holding | undefined => {
    const h = o.held.get(runId);
    return h && !h.lost ? h : undefined;
  };
  return {
    read: (runId) => o.mirror.read(runId),
    lock: (runId, _stateDir, purpose) => {
      // A control on a lesson no node holds is written from here, if still none holds it then (see open).
      if (holding(runId) || purpose === 'control') return { release: () => undefined };
      throw new LockHeldError(holderOf(o.mirror, runId), where(runId));
    },
    open: (runId): JournalWriter => {
      const h = holding(runId);
      if (!h) return unheldWriter(o.redis, o.mirror, runId);
      return new RedisJournalWriter(o.redis, runId, h.token, o.mirror, (err) => o.onFenced(runId, err));
    },
    mayStart: (runId) => holding(runId) !== undefined,
    controlElsewhere: o.controlElsewhere,
  };
}

/** Writes a control to a lesson no node holds; refused (nothing written) if a node took it meanwhile. */
function unheldWriter(redis: Redis, mirror: JournalMirror, runId: string): JournalWriter {
  const append = async (records: readonly JournalRecord[]): Promise<void> => {
    if (!(await appendUnheld(redis, mirror, runId, records))) throw new ControlRefused(409, msg('cluster.control.justTaken'));
  };
  return { appendDurable: append, appendLater: (r) => append([r]), close: async () => undefined };
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
