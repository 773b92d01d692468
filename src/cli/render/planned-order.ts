import type { Plan } from '../../plan/types.js';

/**
 * Rows of a summary in the order a reader follows the lesson: by the planned time each row shows
 * (a check-in's start, not its batch's registration), then by the plan's order — the author's order
 * at one instant. Rows the plan does not name keep their place after the named ones at that time.
 */
export function inPlannedOrder<T extends { readonly id: string; readonly plannedAt: number }>(rows: readonly T[], plan: Plan): T[] {
  const position = new Map(plan.actions.map((a, i) => [a.id, i]));
  const pos = (r: T): number => position.get(r.id) ?? Number.MAX_SAFE_INTEGER;
  // Array.prototype.sort is stable, so equal keys keep their incoming order.
  return [...rows].sort((a, b) => a.plannedAt - b.plannedAt || pos(a) - pos(b));
}
