import { hostname } from 'node:os';
import type { EngineClock } from '../engine/clock.js';
import { runEngine } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { Journal, journalPath, readJournal } from '../journal/journal.js';
import { acquireLock, LockHeldError, type LockHolder } from '../journal/lock.js';
import type { ControlRecord, EditRecord, JournalRecord } from '../journal/records.js';
import type { Plan } from '../plan/types.js';
import type { PolyvApi } from '../transport/api.js';
import { lessonRunId } from '../api/lesson-id.js';
import { reconcilePlan } from '../api/reconcile.js';
import { actionViews, stateOf, type ActionView } from './action-view.js';

/** What a lesson needs from the process that serves it. */
export interface LessonHost {
  readonly api: PolyvApi;
  readonly clock: EngineClock;
  readonly pid: number;
  readonly isAlive: (pid: number) => boolean;
  /** Told whenever the lesson's state or one of its actions changed. */
  readonly changed: (lesson: Lesson, action?: ActionView) => void;
  readonly log: (line: string) => void;
}

/** A lesson's planned source: its file (absolute), the plan of its last good version, the files it is made of. */
export interface LessonSource {
  readonly file: string;
  readonly display: string;
  readonly plan: Plan;
  readonly chain: readonly string[];
}

export type LessonPhase = 'upcoming' | 'running' | 'paused' | 'finished' | 'locked';

/** A control refused: the action is unknown or already sent, or the lesson is not in a state for it. */
export class ControlRefused extends Error {
  constructor(readonly status: 404 | 409, message: string) {
    super(message);
  }
}

/**
 * One lesson of a served term: a restartable engine run on the lesson's journal (the same journal
 * and lock as `runbook run`). Controls and edits become journal records; applying one stops the
 * engine run as Ctrl-C does (intents of calls not yet sent withdrawn, calls in flight finished and
 * journaled) and starts it again on the same journal, so "done is never re-sent" and "ambiguous is
 * reported" are the engine's own resume semantics. Operations on one lesson run one at a time.
 */
export class Lesson {
  readonly id: string;
  readonly journalPath: string;
  source: LessonSource;
  plan!: Plan;
  views: ActionView[] = [];
  paused = false;
  lockedBy?: LockHolder;
  refused: readonly { id: string; reason: string }[] = [];
  private active?: { controller: AbortController; done: Promise<void> };
  private queue: Promise<unknown> = Promise.resolve();
  private byId = new Map<string, ActionView>();
  private lockRetryAt = 0;

  constructor(source: LessonSource, readonly stateDir: string, private readonly host: LessonHost) {
    this.source = source;
    this.id = lessonRunId(source.file, stateDir, source.plan.event.start);
    this.journalPath = journalPath(stateDir, this.id);
    this.refresh(readJournal(this.journalPath));
  }

  get phase(): LessonPhase {
    if (this.active) return 'running';
    if (this.paused) return 'paused';
    if (this.lockedBy) return 'locked';
    return this.views.some((v) => v.state === 'pending' || v.state === 'sending') ? 'upcoming' : 'finished';
  }

  get running(): boolean {
    return this.active !== undefined;
  }

  /** When its next call not yet made is due; undefined when nothing is left. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const v of this.views) if (v.state === 'pending' && (next === undefined || v.at < next)) next = v.at;
    return next;
  }

  /** Whether anything of this lesson has been sent, or may have been. */
  hasProgress(): boolean {
    return this.views.some((v) => v.state !== 'pending') || readJournal(this.journalPath).some((r) => r.t === 'intent' || r.t === 'outcome');
  }

  /** Starts the engine run if something is due within `aheadMs`, unless paused, running or locked. */
  maybeStart(now: number, aheadMs: number): Promise<void> {
    if (this.active || this.paused || now < this.lockRetryAt) return Promise.resolve();
    const next = this.nextDue();
    if (next === undefined || next > now + aheadMs) return Promise.resolve();
    return this.serial(async () => {
      if (!this.active && !this.paused) this.start();
    });
  }

  /** Stops the engine run as Ctrl-C does and waits until everything in flight is journaled. */
  stop(): Promise<void> {
    return this.serial(() => this.halt());
  }

  /** pause | resume | skip ACTION | send-now ACTION, journaled with time and who. */
  control(control: ControlRecord['control'], who: string, action?: string): Promise<ControlRecord> {
    return this.serial(async () => {
      if (control === 'pause' && this.paused) throw new ControlRefused(409, 'the lesson is already paused');
      if (control === 'resume' && !this.paused) throw new ControlRefused(409, 'the lesson is not paused');
      if (action !== undefined && !this.byId.has(action)) throw new ControlRefused(404, `no action \`${action}\` in this lesson`);
      const wasRunning = Boolean(this.active);
      await this.halt();
      const record: ControlRecord = { t: 'control', at: this.host.clock.now(), control, who, ...(action !== undefined ? { action } : {}) };
      try {
        this.write((prior) => {
          // Checked again once the engine run has stopped: an action may have been sent meanwhile.
          if (action !== undefined) {
            const v = actionViews(reconcilePlan(this.planWithId(), prior).plan, prior).find((x) => x.id === action) ?? this.byId.get(action)!;
            if (v.state !== 'pending' || v.control) throw new ControlRefused(409, `action \`${action}\` is ${v.control ? `already ${v.control.control === 'skip' ? 'skipped' : 'sent ahead'}` : v.state}; controls work only on actions not yet sent`);
          }
          return [record];
        });
      } finally {
        if (wasRunning && !this.paused) this.start();
      }
      this.host.log(`${this.source.display}: ${control}${action ? ` ${action}` : ''} by ${who}`);
      if (!this.paused && !this.active && control !== 'pause') this.startIfDue();
      return record;
    });
  }

  /** Applies a new good version of the lesson's files, journaled with what changed. */
  applyEdit(source: LessonSource, hashes: readonly { file: string; sha256: string }[]): Promise<EditRecord | undefined> {
    return this.serial(async () => {
      const wasRunning = Boolean(this.active);
      await this.halt();
      const before = new Map(this.views.map((v) => [v.id, v]));
      const old = new Map(this.source.plan.actions.map((a) => [a.id, a]));
      const next = new Map(source.plan.actions.map((a) => [a.id, a]));
      const added = [...next.keys()].filter((id) => !old.has(id));
      const removed = [...old.keys()].filter((id) => !next.has(id));
      const moved: string[] = [];
      const changed: string[] = [];
      for (const [id, a] of next) {
        const o = old.get(id);
        if (!o) continue;
        const when = (x: typeof a): number => (x.kind === 'checkin' ? x.startsAt : x.at);
        if (when(o) !== when(a)) moved.push(id);
        else if (JSON.stringify({ ...o, at: 0, source: 0 }) !== JSON.stringify({ ...a, at: 0, source: 0 })) changed.push(id);
      }
      this.source = source;
      if (added.length + removed.length + moved.length + changed.length === 0) {
        // The files changed, the lesson did not (a comment, another lesson's part of a template).
        this.refresh(readJournal(this.journalPath));
        if (wasRunning && !this.paused) this.start();
        return undefined;
      }
      const record = this.write((prior) => {
        const { refused } = reconcilePlan(this.planWithId(), prior);
        const sent = [...moved, ...changed, ...removed]
          .filter((id) => before.get(id) && before.get(id)!.state !== 'pending' && before.get(id)!.kind !== 'checkin')
          .map((id) => ({ id, reason: `already ${before.get(id)!.state}: an edit never sends it again` }));
        return [{ t: 'edit', at: this.host.clock.now(), files: hashes, added, removed, moved, changed, refused: [...refused, ...sent] }];
      })[0] as EditRecord;
      this.host.log(`${source.display}: edit applied (+${added.length} −${removed.length} moved ${moved.length} changed ${changed.length}${record.refused.length ? `; not applied: ${record.refused.map((r) => r.id).join(', ')}` : ''})`);
      if (wasRunning && !this.paused) this.start();
      else this.startIfDue();
      return record;
    });
  }

  private startIfDue(): void {
    // The term's tick starts it when due; nothing to do here but let the change be seen.
    this.host.changed(this);
  }

  private planWithId(): Plan {
    return { ...this.source.plan, runId: this.id };
  }

  /** Rebuilds the plan to run and the views from the journal. */
  private refresh(prior: readonly JournalRecord[]): void {
    const r = reconcilePlan(this.planWithId(), prior);
    this.plan = r.plan;
    this.paused = r.paused;
    this.refused = r.refused;
    const planned = actionViews(r.plan, prior);
    const views = new Map(planned.map((v) => [v.id, v]));
    // Actions left out of the plan to run (skipped by a person) are shown from the source plan.
    const left = planned.length === this.source.plan.actions.length ? [] : actionViews(this.source.plan, []);
    this.views = this.source.plan.actions.map((a, i) => {
      const v = views.get(a.id) ?? { ...left[i]!, state: 'skipped' as const };
      const c = r.skipped.get(a.id) ?? r.sentNow.get(a.id);
      if (c) v.control = { control: c.control, who: c.who, at: c.at };
      if (c?.control === 'skip' && v.state === 'skipped') v.message = `skipped by ${c.who}`;
      const why = r.refused.find((x) => x.id === a.id);
      if (why) v.refused = why.reason;
      return v;
    });
    this.byId = new Map(this.views.map((v) => [v.id, v]));
    this.host.changed(this);
  }

  /**
   * Appends records to the journal under the lesson's lock (taken for the write when no engine run
   * holds it), then refreshes. `make` sees the journal as it is and may refuse by throwing.
   */
  private write(make: (prior: readonly JournalRecord[]) => JournalRecord[]): JournalRecord[] {
    const lock = this.takeLock();
    try {
      const prior = readJournal(this.journalPath);
      const records = make(prior);
      const journal = Journal.open(this.stateDir, this.id);
      try {
        journal.appendDurable(records);
      } finally {
        void journal.close();
      }
      this.refresh([...prior, ...records]);
      return records;
    } finally {
      lock.release();
    }
  }

  private takeLock(): { release: () => void } {
    try {
      const lock = acquireLock(this.stateDir, this.id, this.host.isAlive, this.host.pid);
      this.lockedBy = undefined;
      return lock;
    } catch (err) {
      if (err instanceof LockHeldError) {
        this.lockedBy = err.holder;
        throw new ControlRefused(409, `the lesson is being run by another process (pid ${err.holder.pid} on ${err.holder.host}); nothing was changed`);
      }
      throw err;
    }
  }

  private start(): void {
    let lock: { release: () => void };
    try {
      lock = acquireLock(this.stateDir, this.id, this.host.isAlive, this.host.pid);
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      if (!this.lockedBy) this.host.log(`${this.source.display}: not started, another process runs it (pid ${err.holder.pid} on ${err.holder.host}); trying again`);
      this.lockedBy = err.holder;
      this.lockRetryAt = this.host.clock.now() + 5000;
      this.host.changed(this);
      return;
    }
    this.lockedBy = undefined;
    const prior = readJournal(this.journalPath);
    this.refresh(prior);
    const journal = Journal.open(this.stateDir, this.id);
    const plan = this.plan;
    journal.appendDurable([
      {
        t: 'run-start',
        runId: this.id,
        at: Date.now(),
        pid: this.host.pid,
        host: hostname(),
        file: this.source.file,
        start: plan.event.start,
        // Skipped actions are listed too (under their own id, never a batch's), so `runbook status` shows them.
        actions: [
          ...plan.actions.map((a) => ({ id: a.id, unit: a.kind === 'checkin' ? a.batchId : a.id, kind: a.kind, channelId: a.channelId, at: a.kind === 'checkin' ? a.startsAt : a.at })),
          ...this.source.plan.actions.filter((a) => !plan.actions.some((p) => p.id === a.id)).map((a) => ({ id: a.id, unit: a.id, kind: a.kind, channelId: a.channelId, at: a.kind === 'checkin' ? a.startsAt : a.at })),
        ],
      },
    ]);
    const controller = new AbortController();
    const run = runEngine({ plan, api: this.host.api, journal, prior, clock: this.host.clock, signal: controller.signal, onEvent: (e) => this.onEngineEvent(e) });
    const done = run
      .then(
        () => undefined,
        (err: unknown) => this.host.log(`${this.source.display}: the run stopped on an internal error: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(async () => {
        await journal.close();
        lock.release();
        this.active = undefined;
        this.refresh(readJournal(this.journalPath));
      });
    this.active = { controller, done };
    this.host.log(`${this.source.display}: running (${plan.actions.length} actions, journal ${this.id})`);
    this.host.changed(this);
  }

  private async halt(): Promise<void> {
    const a = this.active;
    if (!a) return;
    a.controller.abort(new Error('stopped'));
    await a.done;
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type === 'dispatch') {
      for (const id of e.actions) {
        const v = this.byId.get(id);
        if (!v) continue;
        v.state = 'sending';
        v.actualAt = e.at;
        v.latenessMs = e.latenessMs;
        this.host.changed(this, v);
      }
    } else if (e.type === 'outcome') {
      for (const id of e.actions) {
        const v = this.byId.get(id);
        if (!v) continue;
        v.state = stateOf(e.result, id, e.failedActions);
        if (e.latenessMs !== undefined) v.latenessMs = e.latenessMs;
        if (e.message !== undefined) v.message = e.message;
        this.host.log(`${this.source.display}: ${v.state} ${id}${v.latenessMs !== undefined ? ` (+${v.latenessMs} ms)` : ''}${e.message && v.state !== 'done' ? `: ${e.message}` : ''}`);
        this.host.changed(this, v);
      }
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
