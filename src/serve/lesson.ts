import { hostname } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EngineClock } from '../engine/clock.js';
import { duration, formatMessage, list, msg, type Msg } from '../i18n/index.js';
import { runEngine } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { journalPath } from '../journal/journal.js';
import { LockHeldError, type LockHolder } from '../journal/lock.js';
import type { ControlRecord, EditRecord, JournalRecord } from '../journal/records.js';
import { replay } from '../journal/replay.js';
import type { CheckinAction, Plan, PlanEvent, PlannedAction } from '../plan/types.js';
import type { PolyvApi } from '../transport/api.js';
import { lessonRunId } from '../api/lesson-id.js';
import { reconcilePlan } from '../api/reconcile.js';
import { actionViews, stateOf, type ActionView } from './action-view.js';
import { fileLessonStore, type LessonStore, type LockPurpose } from './lesson-store.js';

/** What a lesson needs from the process that serves it. */
export interface LessonHost {
  readonly api: PolyvApi;
  readonly clock: EngineClock;
  readonly pid: number;
  readonly isAlive: (pid: number) => boolean;
  /** Told whenever the lesson's state or one of its actions changed. */
  readonly changed: (lesson: Lesson, action?: ActionView) => void;
  /** A line of the serve log, as a message (serve formats it in the CLI's language). */
  readonly log: (line: Msg) => void;
  /** Where its journal and lock live: the files (default), or a cluster's Redis (src/cluster/). */
  readonly store?: LessonStore;
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
  constructor(
    readonly status: 404 | 409,
    /** Why, as a message: the API answers in the request's language. */
    readonly text: Msg,
  ) {
    super(formatMessage(text, 'en'));
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
  /** What the lesson shows without its plan: its event, channels and check-ins (for the cross-file rule). */
  outline: LessonOutline;
  private _source: LessonSource;
  private _plan!: Plan;
  private _views: ActionView[] = [];
  /** A lesson far from its time keeps its last good plan compressed, and the counts it shows (see pack). */
  private packed?: { readonly plan: Buffer; readonly counts: Readonly<Record<string, number>>; readonly next?: number };
  private touched = 0;
  /** Operations under way (see serial): a lesson is never packed in the middle of one. */
  private busy = 0;
  /** Operations queued or under way (see serial). */
  private pending = 0;
  paused = false;
  lockedBy?: LockHolder;
  /** Parts of edits that cannot apply: `reason` in English (the journal's), `text` for the reader's language. */
  refused: readonly { id: string; reason: string; text?: Msg }[] = [];
  private active?: { controller: AbortController; done: Promise<void> };
  private queue: Promise<unknown> = Promise.resolve();
  private byId = new Map<string, ActionView>();
  private readonly store: LessonStore;
  private lockRetryAt = 0;

  constructor(
    source: LessonSource,
    readonly stateDir: string,
    private readonly host: LessonHost,
  ) {
    this._source = source;
    this.outline = outlineOf(source);
    this.store = host.store ?? fileLessonStore(host.pid, host.isAlive);
    this.id = lessonRunId(source.file, stateDir, source.plan.event.start);
    this.journalPath = journalPath(stateDir, this.id);
    this.touched = host.clock.now();
    this.refresh(this.records());
  }

  get display(): string {
    return this._source.display;
  }

  /** The lesson's playbook file (absolute), without unpacking. */
  get file(): string {
    return this._source.file;
  }

  /** The lesson's source (its last good plan): unpacked first if it was packed. */
  get source(): LessonSource {
    this.unpack();
    return this._source;
  }

  /** The plan to run (see reconcilePlan). */
  get plan(): Plan {
    this.unpack();
    return this._plan;
  }

  get views(): readonly ActionView[] {
    this.unpack();
    return this._views;
  }

  /** Whether its plan is packed now (far from its time, and nobody looked at it lately). */
  get isPacked(): boolean {
    return this.packed !== undefined;
  }

  /** How many actions are in each state, without unpacking. */
  counts(): Readonly<Record<string, number>> {
    if (this.packed) return this.packed.counts;
    const counts: Record<string, number> = { pending: 0, sending: 0, done: 0, failed: 0, ambiguous: 0, skipped: 0 };
    for (const v of this._views) counts[v.state] = (counts[v.state] ?? 0) + 1;
    return counts;
  }

  get phase(): LessonPhase {
    if (this.active) return 'running';
    if (this.paused) return 'paused';
    if (this.lockedBy) return 'locked';
    const c = this.counts();
    return (c['pending'] ?? 0) + (c['sending'] ?? 0) > 0 ? 'upcoming' : 'finished';
  }

  /**
   * Keeps the last good plan compressed while the lesson is far from its time and nobody looks at
   * it: a term of thousands of lessons holds only the few near now as objects. Its journal, its
   * counts and its outline stay at hand; anything that needs the plan unpacks it (the same plan:
   * a lossless copy, not a re-planning).
   */
  pack(now: number, farMs: number, idleMs: number): boolean {
    if (this.packed || this.active || this.busy > 0 || now - this.touched < idleMs) return false;
    const next = this.nextDue();
    if (next !== undefined && next - now < farMs) return false;
    const counts = this.counts();
    this.packed = { plan: deflateRawSync(JSON.stringify(this._source.plan)), counts, ...(next !== undefined ? { next } : {}) };
    this._source = { ...this._source, plan: PACKED };
    this._plan = PACKED;
    this._views = [];
    this.byId = new Map();
    return true;
  }

  private unpack(): void {
    this.touched = this.host.clock.now();
    const p = this.packed;
    if (!p) return;
    this.packed = undefined;
    this._source = { ...this._source, plan: JSON.parse(inflateRawSync(p.plan).toString('utf8')) as Plan };
    this.refresh(this.records());
  }

  get running(): boolean {
    return this.active !== undefined;
  }

  /** When its next call not yet made is due; undefined when nothing is left. */
  nextDue(): number | undefined {
    if (this.packed) return this.packed.next;
    let next: number | undefined;
    for (const v of this._views) if (v.state === 'pending' && (next === undefined || v.at < next)) next = v.at;
    return next;
  }

  /** The run's journal records, from its store. */
  private records(): readonly JournalRecord[] {
    return this.store.read(this.id, this.stateDir);
  }

  /**
   * The journal was written by someone else (another node of a cluster): the views are read again
   * (a packed lesson is unpacked for it), unless this process runs the lesson: then it is the one writing.
   */
  journalChanged(): void {
    if (this.active || this.pending > 0) return;
    if (this.packed) this.unpack();
    else this.refresh(this.records());
  }

  /**
   * Whether its journal has calls cut off — an intent without an outcome — that no engine run has
   * settled yet (a cluster node that died mid-call: the node taking the lesson over reports them).
   */
  hasCutOff(): boolean {
    return [...replay(this.records()).units.values()].some((u) => u.intent && !u.outcome);
  }

  /** Starts the engine run now, whatever is due when (unless paused or running): it settles what was cut off. */
  settle(): Promise<void> {
    return this.serial(async () => {
      if (!this.active && !this.paused && this.store.mayStart(this.id)) this.start();
    });
  }

  /** Whether anything of this lesson has been sent, or may have been. */
  hasProgress(): boolean {
    return this.views.some((v) => v.state !== 'pending') || this.records().some((r) => r.t === 'intent' || r.t === 'outcome');
  }

  /** Starts the engine run if something is due within `aheadMs`, unless paused, running or locked. */
  maybeStart(now: number, aheadMs: number): Promise<void> {
    // An operation queued or under way (a control, an edit) restarts the run itself when it ends:
    // a start queued behind it would be a second restart for one operation.
    if (this.active || this.paused || this.pending > 0 || now < this.lockRetryAt || !this.store.mayStart(this.id)) return Promise.resolve();
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
  async control(control: ControlRecord['control'], who: string, action?: string): Promise<ControlRecord> {
    // On a cluster, the node that runs the lesson applies it (and answers).
    const elsewhere = await this.store.controlElsewhere?.(this.id, { control, who, ...(action !== undefined ? { action } : {}) });
    if (elsewhere) return elsewhere;
    return this.serial(async () => {
      if (control === 'pause' && this.paused) throw new ControlRefused(409, msg('serve.refused.alreadyPaused'));
      if (control === 'resume' && !this.paused) throw new ControlRefused(409, msg('serve.refused.notPaused'));
      if (action !== undefined && !this.byId.has(action)) throw new ControlRefused(404, msg('serve.refused.noAction', { action }));
      // Refused at once when the lesson already shows why (a second click, a second tab): a refused
      // control never stops the engine run.
      if (action !== undefined) refuseUnlessPending(action, this.byId.get(action)!);
      const wasRunning = Boolean(this.active);
      await this.halt();
      const record: ControlRecord = { t: 'control', at: this.host.clock.now(), control, who, ...(action !== undefined ? { action } : {}) };
      try {
        await this.write((prior) => {
          // Checked again once the engine run has stopped: an action may have been sent meanwhile.
          if (action !== undefined) {
            const v = actionViews(reconcilePlan(this.planWithId(), prior).plan, prior).find((x) => x.id === action) ?? this.byId.get(action)!;
            refuseUnlessPending(action, v);
          }
          return [record];
        }, 'control');
      } finally {
        if (wasRunning && !this.paused) this.start();
      }
      this.host.log(msg(CONTROL_LOG[control], { lesson: this.display, who, action: action ?? '' }));
      if (!this.paused && !this.active && control !== 'pause') this.startIfDue();
      return record;
    });
  }

  /** Applies a new good version of the lesson's files, journaled with what changed. */
  applyEdit(source: LessonSource, hashes: readonly { file: string; sha256: string }[]): Promise<EditRecord | undefined> {
    return this.serial(async () => {
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
        // A step can be both moved and rewritten: it is listed in both.
        if (when(o) !== when(a)) moved.push(id);
        if (JSON.stringify(withoutTimes(o)) !== JSON.stringify(withoutTimes(a))) changed.push(id);
      }
      if (added.length + removed.length + moved.length + changed.length === 0) {
        // The files changed, the lesson did not (a comment, another lesson's part of a template): the
        // new source is taken (its locations may differ) and the running lesson is left alone — an
        // engine run stopped here would withdraw what it was about to send and cut exports short.
        this._source = source;
        this.outline = outlineOf(source);
        if (!this.active) this.refresh(this.records());
        this.host.log(msg('serve.log.noChange', { lesson: source.display }));
        return undefined;
      }
      const wasRunning = Boolean(this.active);
      await this.halt();
      this._source = source;
      this.outline = outlineOf(source);
      let record: EditRecord;
      try {
        [record] = (await this.write((prior) => {
          const { refused } = reconcilePlan(this.planWithId(), prior);
          const sent = [...moved, ...changed, ...removed]
            .filter((id) => before.get(id) && before.get(id)!.state !== 'pending' && before.get(id)!.kind !== 'checkin')
            // The journal keeps its words in English (see src/journal/records.ts).
            .map((id) => {
              const text = msg('serve.edit.alreadySent', { state: msg(`serve.state.${before.get(id)!.state}`) });
              return { id, reason: formatMessage(text, 'en'), text };
            });
          return [{ t: 'edit', at: this.host.clock.now(), files: hashes, added, removed, moved, changed, refused: [...refused, ...sent] }];
        }, 'edit')) as [EditRecord];
      } catch (err) {
        if (!(err instanceof ControlRefused)) throw err;
        // Another process (a `runbook run`) runs the lesson from the files as it read them; this one
        // shows the new version and journals nothing.
        this.host.log(msg('serve.log.editNotJournaled', { lesson: source.display, reason: err.text }));
        this.refresh(this.records());
        return undefined;
      }
      const counts = { lesson: source.display, added: added.length, removed: removed.length, moved: moved.length, changed: changed.length };
      this.host.log(
        record.refused.length
          ? msg('serve.log.editAppliedRefused', { ...counts, refused: list(record.refused.map((r) => r.id)) })
          : msg('serve.log.editApplied', counts),
      );
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
    return { ...this._source.plan, runId: this.id };
  }

  /** Rebuilds the plan to run and the views from the journal. */
  private refresh(prior: readonly JournalRecord[]): void {
    const source = this._source.plan;
    const r = reconcilePlan(this.planWithId(), prior);
    this._plan = r.plan;
    this.paused = r.paused;
    this.refused = r.refused;
    const planned = actionViews(r.plan, prior);
    const views = new Map(planned.map((v) => [v.id, v]));
    // Actions left out of the plan to run (skipped by a person) are shown from the source plan.
    const left = planned.length === source.actions.length ? [] : actionViews(source, []);
    this._views = source.actions.map((a, i) => {
      const v = views.get(a.id) ?? { ...left[i]!, state: 'skipped' as const };
      const c = r.skipped.get(a.id) ?? r.sentNow.get(a.id);
      if (c) v.control = { control: c.control, who: c.who, at: c.at };
      if (c?.control === 'skip' && v.state === 'skipped') v.message = msg('serve.action.skippedBy', { who: c.who });
      const why = r.refused.find((x) => x.id === a.id);
      if (why) v.refused = why.text ?? why.reason;
      return v;
    });
    this.byId = new Map(this._views.map((v) => [v.id, v]));
    this.host.changed(this);
  }

  /**
   * Appends records to the journal under the lesson's lock (taken for the write when no engine run
   * holds it), then refreshes. `make` sees the journal as it is and may refuse by throwing.
   */
  private async write(make: (prior: readonly JournalRecord[]) => JournalRecord[], purpose: LockPurpose): Promise<JournalRecord[]> {
    const lock = this.takeLock(purpose);
    try {
      const prior = this.records();
      const records = make(prior);
      const journal = this.store.open(this.id, this.stateDir);
      try {
        await journal.appendDurable(records);
      } finally {
        void journal.close();
      }
      this.refresh([...prior, ...records]);
      return records;
    } finally {
      lock.release();
    }
  }

  private takeLock(purpose: LockPurpose): { release: () => void } {
    try {
      const lock = this.store.lock(this.id, this.stateDir, purpose);
      this.lockedBy = undefined;
      return lock;
    } catch (err) {
      if (err instanceof LockHeldError) {
        this.lockedBy = err.holder;
        throw new ControlRefused(409, msg('serve.refused.locked', { pid: String(err.holder.pid), host: err.holder.host }));
      }
      throw err;
    }
  }

  private start(): void {
    let lock: { release: () => void };
    try {
      lock = this.store.lock(this.id, this.stateDir, 'run');
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      if (!this.lockedBy) this.host.log(msg('serve.log.notStartedLocked', { lesson: this.display, pid: String(err.holder.pid), host: err.holder.host }));
      this.lockedBy = err.holder;
      this.lockRetryAt = this.host.clock.now() + 5000;
      this.host.changed(this);
      return;
    }
    this.lockedBy = undefined;
    const prior = this.records();
    this.refresh(prior);
    const journal = this.store.open(this.id, this.stateDir);
    const plan = this.plan;
    // A store that writes asynchronously (Redis) keeps its writes in order: the engine's first intent
    // follows this record, and fails with it.
    const started = journal.appendDurable([
      {
        t: 'run-start',
        runId: this.id,
        at: Date.now(),
        pid: this.host.pid,
        host: hostname(),
        file: this.source.file,
        start: plan.event.start,
        zone: plan.event.zone,
        // Skipped actions are listed too (under their own id, never a batch's), so `runbook status` shows them.
        actions: [
          ...plan.actions.map((a) => ({
            id: a.id,
            unit: a.kind === 'checkin' ? a.batchId : a.id,
            kind: a.kind,
            channelId: a.channelId,
            at: a.kind === 'checkin' ? a.startsAt : a.at,
          })),
          ...this.source.plan.actions
            .filter((a) => !plan.actions.some((p) => p.id === a.id))
            .map((a) => ({ id: a.id, unit: a.id, kind: a.kind, channelId: a.channelId, at: a.kind === 'checkin' ? a.startsAt : a.at })),
        ],
      },
    ]);
    started?.catch(() => undefined);
    const controller = new AbortController();
    const run = runEngine({
      plan,
      api: this.host.api,
      journal,
      prior,
      clock: this.host.clock,
      signal: controller.signal,
      onEvent: (e) => this.onEngineEvent(e),
    });
    const done = run
      .then(
        () => undefined,
        (err: unknown) => this.host.log(msg('serve.log.internalError', { lesson: this.display, error: err instanceof Error ? err.message : String(err) })),
      )
      .finally(async () => {
        await journal.close();
        lock.release();
        this.active = undefined;
        this.refresh(this.records());
      });
    this.active = { controller, done };
    this.host.log(msg('serve.log.running', { lesson: this.display, count: plan.actions.length, runId: this.id }));
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
        if (e.message !== undefined || e.text !== undefined) v.message = e.text ?? e.message;
        this.host.log(outcomeLine(this.display, v, e.text ?? e.message));
        this.host.changed(this, v);
      }
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.pending += 1;
    const run = async (): Promise<T> => {
      this.busy += 1;
      try {
        this.unpack();
        return await fn();
      } finally {
        this.busy -= 1;
        this.pending -= 1;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** A control on an action works only while it is not yet sent and no control took it. */
function refuseUnlessPending(action: string, v: ActionView): void {
  if (v.state !== 'pending' || v.control)
    throw new ControlRefused(
      409,
      v.control
        ? msg(v.control.control === 'skip' ? 'serve.refused.alreadySkipped' : 'serve.refused.alreadySentAhead', { action })
        : msg('serve.refused.notPending', { action, state: msg(`serve.state.${v.state}`) }),
    );
}

const CONTROL_LOG = { pause: 'serve.log.pause', resume: 'serve.log.resume', skip: 'serve.log.skip', 'send-now': 'serve.log.sendNow' } as const;

/** The log line of an action's outcome: its state, its lateness and, unless done, the platform's answer. */
function outcomeLine(lesson: string, v: ActionView, message: Msg | string | undefined): Msg {
  const params = { lesson, state: msg(`serve.state.${v.state}`), action: v.id };
  const late = v.latenessMs !== undefined ? { lateness: duration(v.latenessMs) } : undefined;
  if (message && v.state !== 'done')
    return late ? msg('serve.log.outcomeLateMessage', { ...params, ...late, message }) : msg('serve.log.outcomeMessage', { ...params, message });
  return late ? msg('serve.log.outcomeLate', { ...params, ...late }) : msg('serve.log.outcome', params);
}

/**
 * An action without what places it in time or in the file (its location, its position in the
 * author's order — a step inserted above shifts every later one): what is left is what it does. Its
 * check-in batch goes too (batches are regrouped by time), and a check-in's start and dispatch
 * time (its item's `delayTime` is its start).
 */
function withoutTimes(a: PlannedAction): unknown {
  if (a.kind === 'checkin') return { ...a, at: 0, startsAt: 0, batchId: '', source: 0, seq: 0, item: { ...a.item, delayTime: 0 } };
  return { ...a, at: 0, source: 0, seq: 0 };
}

/** What a lesson shows of itself while its plan is packed. */
export interface LessonOutline {
  readonly event: Pick<PlanEvent, 'name' | 'zone' | 'start' | 'end'>;
  readonly channels: Readonly<Record<string, string>>;
  /** Its check-ins, for the check-in rule across the term's lessons. */
  readonly checkins: readonly CheckinAction[];
}

function outlineOf(source: LessonSource): LessonOutline {
  const { name, zone, start, end } = source.plan.event;
  return {
    event: { name, zone, start, end },
    channels: source.plan.channels,
    checkins: source.plan.actions.filter((a): a is CheckinAction => a.kind === 'checkin'),
  };
}

/** Stands for a packed plan; never read (every reader unpacks first). */
const PACKED = Object.freeze({}) as Plan;
