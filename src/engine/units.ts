import type { CheckinAction, Plan, PlannedAction } from '../plan/types.js';
import type { ApiRequest } from '../polyv/requests.js';

/**
 * A unit is one call the engine makes at one instant: a message, a batch of check-in registrations,
 * or an export. The journal records intents and outcomes per unit.
 */
export type Unit =
  | { readonly id: string; readonly kind: 'message'; readonly at: number; readonly action: Extract<PlannedAction, { kind: 'message' }> }
  | {
      readonly id: string;
      readonly kind: 'checkinBatch';
      readonly at: number;
      readonly checkins: readonly CheckinAction[];
      readonly batchIndex: number;
      readonly request: ApiRequest;
    }
  | {
      readonly id: string;
      readonly kind: 'export';
      readonly at: number;
      readonly action: Extract<PlannedAction, { kind: 'chatExport' | 'historyExport' | 'reportExport' }>;
    };

/**
 * The plan's units in time order. Units due at the same instant keep the plan's order, which is the
 * author's order (src/plan): the order in which same-instant messages on one channel go out.
 */
export function unitsOf(plan: Plan): Unit[] {
  const units: Unit[] = [];
  const byId = new Map(plan.actions.map((a) => [a.id, a]));
  for (const a of plan.actions) {
    if (a.kind === 'message') units.push({ id: a.id, kind: 'message', at: a.at, action: a });
    else if (a.kind !== 'checkin') units.push({ id: a.id, kind: 'export', at: a.at, action: a });
  }
  plan.checkinBatches.forEach((b, batchIndex) => {
    const checkins = b.actionIds.map((id) => byId.get(id) as CheckinAction);
    units.push({ id: b.id, kind: 'checkinBatch', at: b.at, checkins, batchIndex, request: b.request });
  });
  // Array.prototype.sort is stable: equal instants stay in the plan's order.
  return units.sort((x, y) => x.at - y.at);
}

/** The action ids a unit covers (a batch covers each of its check-ins). */
export function actionIdsOf(u: Unit): string[] {
  return u.kind === 'checkinBatch' ? u.checkins.map((c) => c.id) : [u.action.id];
}

/** The step's policies for a unit (a batch's check-ins share theirs, as the plan groups them). */
export function policyOf(u: Unit): { readonly missed: string; readonly graceSeconds: number; readonly ambiguous: string } {
  return u.kind === 'checkinBatch' ? u.checkins[0]!.policy : u.action.policy;
}
