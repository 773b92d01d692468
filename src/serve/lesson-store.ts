import { Journal, journalPath, readJournal } from '../journal/journal.js';
import { acquireLock } from '../journal/lock.js';
import type { ControlRecord, JournalRecord } from '../journal/records.js';
import type { JournalWriter } from '../journal/writer.js';

/**
 * Where a served lesson's journal and lock live. The default is the file journal and lock of
 * `runbook run` (`<stateDir>/<runId>.jsonl` and `.lock`); `runbook serve --redis` gives a store on
 * Redis (src/cluster/), where the lock is the lesson's BullMQ job and the journal a stream.
 */
export interface LessonStore {
  /** The run's records, as this process knows them now (read synchronously: the page asks often). */
  read(runId: string, stateDir: string): readonly JournalRecord[];
  /**
   * The run's writer lock — for its engine run, a person's control or an applied edit — or a
   * LockHeldError naming who holds it. (A cluster node lets a control write to a lesson no node
   * holds; its append is refused if a node took the lesson meanwhile.)
   */
  lock(runId: string, stateDir: string, purpose: LockPurpose): { release(): void };
  /** The journal an engine run writes, once `lock` was taken. */
  open(runId: string, stateDir: string): JournalWriter;
  /**
   * Whether this process may start the lesson's engine run now. A file store always may (the lock
   * decides); a cluster node only while it holds the lesson's job, so that the others do not even try.
   */
  mayStart(runId: string): boolean;
  /**
   * A control for a lesson another process runs: that process's answer (a cluster node forwards it
   * to the node that holds the lesson), or undefined when it is applied here.
   */
  controlElsewhere?(runId: string, request: ControlRequest): Promise<ControlRecord | undefined>;
}

export type LockPurpose = 'run' | 'control' | 'edit';

/** A person's control as the API takes it. */
export interface ControlRequest {
  readonly control: ControlRecord['control'];
  readonly who: string;
  readonly action?: string;
}

/** The file journal and lock: `runbook serve` without --redis, as `runbook run` has them. */
export function fileLessonStore(pid: number, isAlive: (pid: number) => boolean): LessonStore {
  return {
    read: (runId, stateDir) => readJournal(journalPath(stateDir, runId)),
    lock: (runId, stateDir) => acquireLock(stateDir, runId, isAlive, pid),
    open: (runId, stateDir) => Journal.open(stateDir, runId),
    mayStart: () => true,
  };
}
