import { msg, type Msg } from '../i18n/index.js';
import type { JournalRecord, UnitResult } from '../journal/records.js';
import { replay } from '../journal/replay.js';
import type { CheckinBatch, Plan, PlannedAction } from '../plan/types.js';
import { redactedCallLine } from '../polyv/redacted-call.js';

export type ActionState = 'pending' | 'sending' | 'done' | 'failed' | 'ambiguous' | 'skipped';

/**
 * One action as the API and the page show it: what it is, when it is due, what happened. Built from
 * the plan and the lesson's journal, then kept up to date from the engine's events. Holds no
 * credential: the call is the plan's, with `appId`, `timestamp` and `sign` as placeholders.
 */
export interface ActionView {
  readonly id: string;
  readonly stepId: string;
  readonly kind: PlannedAction['kind'];
  readonly channel: string;
  readonly channelId: string;
  /** When the call is due (a check-in: when it is registered). */
  readonly at: number;
  /** Check-ins: the interval on the platform. */
  readonly startsAt?: number;
  readonly endsAt?: number;
  readonly text?: string;
  readonly unit: string;
  /** The planned action: its source location and its call are rendered from it when asked (actionJson). */
  readonly action: PlannedAction;
  /** A check-in's batch, whose call registers it. */
  readonly batch?: CheckinBatch;
  state: ActionState;
  /** When it was dispatched. */
  actualAt?: number;
  latenessMs?: number;
  /** The platform's answer (as it said it) or runbook's reason, as a message (failed, skipped, ambiguous). */
  message?: string | Msg;
  code?: number | string;
  /** A person's control: who skipped it or sent it ahead, and when. */
  control?: { readonly control: string; readonly who: string; readonly at: number };
  /** An edit that could not change it (a registered check-in). */
  refused?: string;
}

/** The views of a plan's actions, with the state the journal records. */
export function actionViews(plan: Plan, prior: readonly JournalRecord[]): ActionView[] {
  const { units } = replay(prior);
  const batches = new Map(plan.checkinBatches.map((b) => [b.id, b]));
  return plan.actions.map((a) => {
    const unit = a.kind === 'checkin' ? a.batchId : a.id;
    const out = units.get(unit)?.outcome;
    const view: ActionView = {
      id: a.id,
      stepId: a.stepId,
      kind: a.kind,
      channel: a.channelAlias,
      channelId: a.channelId,
      at: a.at,
      ...(a.kind === 'checkin' ? { startsAt: a.startsAt, endsAt: a.startsAt + a.limitTime * 1000 } : {}),
      ...(a.kind === 'message' && a.text !== undefined ? { text: a.text } : a.kind === 'checkin' && a.message !== undefined ? { text: a.message } : {}),
      unit,
      action: a,
      ...(a.kind === 'checkin' && batches.has(a.batchId) ? { batch: batches.get(a.batchId)! } : {}),
      // A batch journals each check-in's own result (actionResults); older journals only failedActions.
      state: out
        ? stateOf(out.actionResults?.[a.id] ?? out.result, a.id, out.actionResults ? undefined : out.failedActions)
        : units.get(unit)?.intent
          ? 'ambiguous'
          : 'pending',
    };
    if (out?.latenessMs !== undefined) view.latenessMs = out.latenessMs;
    // The journal's message is English; its `text`, when runbook wrote one, is shown in the reader's language.
    if (out?.message !== undefined || out?.text !== undefined) view.message = out.text ?? out.message;
    if (out?.code !== undefined) view.code = out.code;
    if (!out && units.get(unit)?.intent) view.message = msg('serve.action.intentWithoutOutcome');
    return view;
  });
}

/** An action's state from its unit's outcome; in a batch, `failedActions` names the check-ins it is about. */
export function stateOf(result: UnitResult, id: string, failedActions?: readonly string[]): ActionState {
  if (result === 'ok') return 'done';
  if (result === 'ambiguous' && failedActions && !failedActions.includes(id)) return 'done';
  return result;
}

/** The call an action makes, as a person is shown it (sign redacted): a check-in's is its batch's. */
export function callOf(v: Pick<ActionView, 'action' | 'batch'>): string {
  if (v.action.kind !== 'checkin') return redactedCallLine(v.action.request);
  return v.batch ? redactedCallLine(v.batch.request) : '';
}

export function sourceOf(v: Pick<ActionView, 'action'>): string {
  const s = v.action.source;
  return `${s.file}:${s.line}:${s.col}`;
}
