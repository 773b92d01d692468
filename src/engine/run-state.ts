import { formatMessage, msg, type Msg } from '../i18n/index.js';
import type { JournalWriter } from '../journal/writer.js';
import { replay } from '../journal/replay.js';
import type { JournalRecord, UnitResult } from '../journal/records.js';
import type { Plan } from '../plan/types.js';
import type { EngineEvent } from './events.js';
import { actionIdsOf, policyOf, type Unit } from './units.js';

/** An action's place in the run's result. `pending`: not reached (interrupted, or not yet due). */
export interface ActionReport {
  readonly id: string;
  readonly unit: string;
  readonly kind: string;
  readonly channelId: string;
  readonly plannedAt: number;
  result: UnitResult | 'pending';
  latenessMs?: number;
  /** English (as journaled). */
  message?: string;
  /** The message as key + params: the CLI and serve show `formatMessage(text, lang)`. */
  text?: Msg;
}

export interface RunSummary {
  readonly runId: string;
  readonly actions: readonly ActionReport[];
  readonly interrupted: boolean;
  readonly resumed: boolean;
}

/** What an outcome says besides its result. */
export interface OutcomeDetail {
  readonly latenessMs?: number;
  /** English; set from `text` when only that is given (see RunState.write). */
  readonly message?: string;
  readonly text?: Msg;
  readonly code?: number | string;
}

/** One check-in's own result within its batch, when they differ (see RunState.recordBatch). */
export interface ActionOutcome {
  readonly result: UnitResult;
  readonly message?: string;
  readonly text?: Msg;
}

/** Where the run starts from: what is left to do, and what the journal already settled. */
export interface Restored {
  /** Units still to run, in time order. */
  readonly queue: readonly Unit[];
  /** Check-in batches cut off by a crash: settled by sending them again (see CheckinDispatcher). */
  readonly verify: ReadonlySet<string>;
  /** Each export's last checkpoint. */
  readonly checkpoints: Map<string, unknown>;
  readonly resumed: boolean;
}

/**
 * The run's state: one report per action, and the outcomes — each told to the host (events) and
 * written to the journal. Also reads a resumed run's journal back (`restore`).
 */
export class RunState {
  private readonly reports = new Map<string, ActionReport>();
  private readonly writes: Promise<void>[] = [];

  constructor(
    plan: Plan,
    private readonly journal: JournalWriter | undefined,
    private readonly emit: (e: EngineEvent) => void,
  ) {
    for (const a of plan.actions) {
      const unit = a.kind === 'checkin' ? a.batchId : a.id;
      this.reports.set(a.id, { id: a.id, unit, kind: a.kind, channelId: a.channelId, plannedAt: a.kind === 'checkin' ? a.startsAt : a.at, result: 'pending' });
    }
  }

  /**
   * Replays the journal of earlier runs of this run: what has an outcome is done (and reported as it
   * was); what has an intent and no outcome may have reached the platform — reported ambiguous, never
   * resent unless the step's policy says so (a batch is settled by sending it again; an export is
   * redone from its checkpoint).
   */
  restore(units: readonly Unit[], prior: readonly JournalRecord[]): Restored {
    const { units: past, checkpoints } = replay(prior);
    const resumed = prior.some((r) => r.t === 'run-start');
    const queue: Unit[] = [];
    const verify = new Set<string>();
    for (const u of units) {
      const state = past.get(u.id);
      if (state?.outcome) {
        const o = state.outcome;
        const detail = {
          ...(o.latenessMs !== undefined ? { latenessMs: o.latenessMs } : {}),
          ...(o.message ? { message: o.message } : {}),
          ...(o.text ? { text: o.text } : {}),
        };
        this.apply(u, o.result, detail, o.actionResults ?? legacyResults(u, o.result, o.failedActions));
        this.emit({ type: 'skip-done', unit: u.id, actions: actionIdsOf(u) });
        continue;
      }
      if (state?.intent && u.kind === 'checkinBatch') {
        verify.add(u.id);
        queue.push(u);
        continue;
      }
      if (state?.intent && u.kind !== 'export' && policyOf(u).ambiguous !== 'resend') {
        this.writes.push(this.record(u, 'ambiguous', { text: msg('error.outcome.crashedInFlight') }));
        continue;
      }
      queue.push(u);
    }
    return { queue, verify, checkpoints, resumed };
  }

  /** A unit's outcome: every action of it gets `result`. */
  record(u: Unit, result: UnitResult, detail: OutcomeDetail = {}): Promise<void> {
    return this.write(u, result, detail, undefined);
  }

  /**
   * A batch's outcome when its check-ins fared differently: each action's own result (those not
   * named get `result`). The unit's result is the worst of them; `failedActions` names the ones not ok.
   */
  recordBatch(u: Extract<Unit, { kind: 'checkinBatch' }>, results: ReadonlyMap<string, ActionOutcome>, detail: OutcomeDetail = {}): Promise<void> {
    const all = new Map<string, ActionOutcome>();
    for (const c of u.checkins) all.set(c.id, results.get(c.id) ?? { result: 'ok' });
    const worst = worstOf([...all.values()].map((r) => r.result));
    return this.write(u, worst, detail, Object.fromEntries(all));
  }

  /** Journal writes started while restoring; the engine waits for them before it ends. */
  pendingWrites(): Promise<void[]> {
    return Promise.all(this.writes);
  }

  summary(runId: string, interrupted: boolean, resumed: boolean): RunSummary {
    return { runId, actions: [...this.reports.values()], interrupted, resumed };
  }

  private write(u: Unit, result: UnitResult, given: OutcomeDetail, actions: Readonly<Record<string, ActionOutcome>> | undefined): Promise<void> {
    const detail = withEnglish(given);
    this.apply(u, result, detail, actions);
    const failedActions = actions
      ? Object.entries(actions)
          .filter(([, r]) => r.result !== 'ok')
          .map(([id]) => id)
      : undefined;
    const extra = { ...detail, ...(failedActions && failedActions.length > 0 ? { failedActions } : {}) };
    const actionResults = actions ? Object.fromEntries(Object.entries(actions).map(([id, r]) => [id, r.result])) : undefined;
    this.emit({ type: 'outcome', unit: u.id, result, actions: actionIdsOf(u), ...extra });
    return this.journal
      ? this.journal.appendLater({ t: 'outcome', unit: u.id, at: Date.now(), result, ...extra, ...(actionResults ? { actionResults } : {}) })
      : Promise.resolve();
  }

  private apply(u: Unit, result: UnitResult, detail: OutcomeDetail, actions: Readonly<Record<string, ActionOutcome | UnitResult>> | undefined): void {
    for (const id of actionIdsOf(u)) {
      const r = this.reports.get(id)!;
      const own = actions?.[id];
      const one: ActionOutcome | undefined = typeof own === 'string' ? { result: own } : own;
      r.result = one?.result ?? result;
      if (detail.latenessMs !== undefined) r.latenessMs = detail.latenessMs;
      // An action's own words replace the unit's (both forms together: never one's English with another's key).
      const said = one && (one.message !== undefined || one.text !== undefined) ? withEnglish(one) : detail;
      if (said.message !== undefined) r.message = said.message;
      if (said.text !== undefined) r.text = said.text;
    }
  }
}

/** The English `message` of a detail given as `text` (the journal and programs read English). */
const englishOf = (m: Msg): string => formatMessage(m, 'en');

function withEnglish<T extends { readonly message?: string; readonly text?: Msg }>(d: T): T {
  return d.text && d.message === undefined ? { ...d, message: englishOf(d.text) } : d;
}

const SEVERITY: Record<UnitResult, number> = { ok: 0, skipped: 1, ambiguous: 2, failed: 3 };

function worstOf(results: readonly UnitResult[]): UnitResult {
  return results.reduce<UnitResult>((w, r) => (SEVERITY[r] > SEVERITY[w] ? r : w), 'ok');
}

/** Journals written before `actionResults`: `failedActions` named the actions the result was about. */
function legacyResults(u: Unit, result: UnitResult, failedActions: readonly string[] | undefined): Record<string, UnitResult> | undefined {
  if (!failedActions || result !== 'ambiguous') return undefined;
  return Object.fromEntries(actionIdsOf(u).map((id) => [id, failedActions.includes(id) ? result : 'ok']));
}
