import type { ControlRecord, JournalAction, JournalRecord } from '../journal/records.js';
import { replay } from '../journal/replay.js';
import { formatMessage, msg, time, type Msg } from '../i18n/index.js';
import type { CheckinAction, CheckinBatch, Plan, PlannedAction } from '../plan/types.js';
import { batchCheckinRequest } from '../polyv/requests.js';

/** The platform's limit of check-ins per batch-checkin call (the plan stage batches by it too). */
const MAX_BATCH = 1000;

export interface Reconciled {
  /** The plan to run: skipped actions left out, sent-now actions due at once, registered batches kept. */
  readonly plan: Plan;
  /** Actions a person skipped, with the control that did it. */
  readonly skipped: ReadonlyMap<string, ControlRecord>;
  /** Actions a person sent ahead of their time. */
  readonly sentNow: ReadonlyMap<string, ControlRecord>;
  /** The last pause/resume control was a pause. */
  readonly paused: boolean;
  /** Parts of the plan that the journal says cannot apply any more, with why (per action id). */
  readonly refused: readonly Refusal[];
}

/** Why part of a plan cannot apply: `reason` in English (the journal's words), `text` for the reader's language. */
export interface Refusal {
  readonly id: string;
  readonly reason: string;
  readonly text: Msg;
}

const refusal = (id: string, text: Msg): Refusal => ({ id, reason: formatMessage(text, 'en'), text });

/**
 * A freshly compiled plan, made to agree with what a lesson's journal already holds — so that a
 * resumed `run`, a `serve` restarted after a control, and an edited lesson all run the same thing:
 *
 * - controls: `skip` leaves the action out; `send-now` moves a not-yet-sent action to the moment of
 *   the control (the scheduler then sends it at once);
 * - check-in batches: a batch that was (perhaps) sent keeps its id and its members, since the
 *   platform has no call to change or remove a registered check-in; a member moved by an edit keeps
 *   its registered start, a member removed stays registered (both reported in `refused`). Check-ins
 *   in no such batch are batched afresh under ids no journaled unit has, so a new check-in is never
 *   taken for one already registered.
 *
 * With an empty journal the plan comes back as compiled (the same batches, the same order).
 */
export function reconcilePlan(plan: Plan, prior: readonly JournalRecord[]): Reconciled {
  // Nothing journaled yet (most lessons of a term, most of the time): the plan as compiled.
  if (prior.length === 0) return { plan, skipped: new Map(), sentNow: new Map(), paused: false, refused: [] };
  const { units } = replay(prior);
  const skipped = new Map<string, ControlRecord>();
  const sentNow = new Map<string, ControlRecord>();
  let paused = false;
  // Which check-ins each batch held when it was (perhaps) sent: the last run-start before its intent.
  let listed = new Map<string, JournalAction[]>();
  const frozen = new Map<string, JournalAction[]>();
  for (const r of prior) {
    if (r.t === 'run-start') {
      listed = new Map();
      for (const a of r.actions) if (a.kind === 'checkin') listed.set(a.unit, [...(listed.get(a.unit) ?? []), a]);
    } else if ((r.t === 'intent' || r.t === 'outcome') && listed.has(r.unit) && !frozen.has(r.unit)) frozen.set(r.unit, listed.get(r.unit)!);
    else if (r.t === 'withdrawn' && !units.get(r.unit)?.outcome) frozen.delete(r.unit);
    else if (r.t === 'control') {
      if (r.control === 'pause' || r.control === 'resume') paused = r.control === 'pause';
      else if (r.control === 'skip' && r.action) skipped.set(r.action, r);
      else if (r.control === 'send-now' && r.action) sentNow.set(r.action, r);
    }
  }
  const refused: Refusal[] = [];
  const sentUnit = (unit: string): boolean => Boolean(units.get(unit)?.intent || units.get(unit)?.outcome);
  const memberOf = new Map<string, { batch: string; journaled: JournalAction }>();
  for (const [batch, members] of frozen) for (const m of members) memberOf.set(m.id, { batch, journaled: m });

  const others: PlannedAction[] = [];
  const kept = new Map<string, CheckinAction[]>();
  const free: CheckinAction[] = [];
  let moved = false;
  for (const a of plan.actions) {
    if (a.kind !== 'checkin') {
      if (skipped.has(a.id) && !sentUnit(a.id)) continue;
      const now = sentNow.get(a.id);
      if (now && !sentUnit(a.id) && now.at < a.at) {
        others.push({ ...a, at: now.at });
        moved = true;
      } else others.push(a);
      continue;
    }
    const member = memberOf.get(a.id);
    if (member) {
      let c: CheckinAction = { ...a, batchId: member.batch };
      if (member.journaled.at !== a.startsAt) {
        refused.push(refusal(a.id, msg('run.api.reconcileMoved', { at: time(member.journaled.at, plan.event.zone, 'full') })));
        c = { ...c, startsAt: member.journaled.at, item: { ...a.item, delayTime: member.journaled.at } };
      }
      kept.set(member.batch, [...(kept.get(member.batch) ?? []), c]);
      continue;
    }
    if (skipped.has(a.id)) continue;
    const now = sentNow.get(a.id);
    free.push(now && now.at < a.at ? { ...a, at: now.at } : a);
    if (now) moved = true;
  }
  const present = new Set(plan.actions.map((a) => a.id));
  for (const [batch, members] of frozen) {
    for (const m of members) if (!present.has(m.id) && !skipped.has(m.id)) refused.push(refusal(m.id, msg('run.api.reconcileRemoved', { batch })));
  }

  const batches: CheckinBatch[] = [];
  const checkins: CheckinAction[] = [];
  for (const [id, members] of kept) {
    batches.push({
      id,
      at: Math.min(...members.map((m) => m.at)),
      actionIds: members.map((m) => m.id),
      request: batchCheckinRequest(members.map((m) => m.item)),
    });
    checkins.push(...members);
  }
  // The plan stage's batching, under ids that no journaled unit (nor a kept batch) has.
  const taken = new Set([...units.keys(), ...frozen.keys()]);
  let n = 0;
  const freshId = (): string => {
    do n += 1;
    while (taken.has(`checkin-batch-${n}`));
    return `checkin-batch-${n}`;
  };
  const sorted = [...free].sort((a, b) => a.at - b.at || a.startsAt - b.startsAt || (a.id < b.id ? -1 : 1));
  for (let i = 0; i < sorted.length; i += MAX_BATCH) {
    const chunk = sorted.slice(i, i + MAX_BATCH);
    const id = freshId();
    batches.push({ id, at: chunk[0]!.at, actionIds: chunk.map((c) => c.id), request: batchCheckinRequest(chunk.map((c) => c.item)) });
    for (const c of chunk) checkins.push(c.batchId === id ? c : { ...c, batchId: id });
  }
  const byId = new Map<string, PlannedAction>([...others, ...checkins].map((a) => [a.id, a]));
  // The compiled order is kept (it may carry the author's order within an instant); a sort by time,
  // which is stable, only when a control moved something.
  let actions = plan.actions.map((a) => byId.get(a.id)).filter((a): a is PlannedAction => a !== undefined);
  if (moved) actions = [...actions].sort((a, b) => a.at - b.at);
  batches.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  return { plan: { ...plan, actions, checkinBatches: batches }, skipped, sentNow, paused, refused };
}
