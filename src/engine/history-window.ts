import type { PlannedAction } from '../plan/types.js';

/**
 * How far past its end a history window reaches. A message due at the window's end (a lesson's
 * `end`) reaches the platform a moment after it and is stamped then; the end is inclusive, so the
 * window takes in that moment too.
 */
export const HISTORY_END_GRACE_MS = 2000;

/** The window a history export asks the platform for (the plan's, its end inclusive with the grace). */
export function historyWindow(a: Extract<PlannedAction, { kind: 'historyExport' }>): { readonly from: number; readonly to: number } {
  return { from: a.from, to: a.to + HISTORY_END_GRACE_MS };
}
