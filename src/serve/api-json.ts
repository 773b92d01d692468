import { diagnosticJson } from '../core/diagnostic.js';
import { callOf, sourceOf, type ActionView } from './action-view.js';
import type { Lesson } from './lesson.js';
import type { Rejection } from './term.js';

/** What the API says of a lesson in a list: identity, times, state and counts by action state. */
export function lessonSummary(l: Lesson): Record<string, unknown> {
  // Without unpacking a lesson far from its time (see Lesson.pack).
  const counts = l.counts();
  const next = l.nextDue();
  const e = l.outline.event;
  return {
    id: l.id,
    file: l.display,
    name: e.name,
    zone: e.zone,
    start: e.start,
    end: e.end,
    state: l.phase,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    counts,
    ...(next !== undefined ? { next } : {}),
    ...(l.lockedBy ? { lockedBy: l.lockedBy } : {}),
    ...(l.isPacked ? { packed: true } : {}),
  };
}

/** One lesson with its channels and every action. */
export function lessonDetail(l: Lesson): Record<string, unknown> {
  return { ...lessonSummary(l), channels: l.plan.channels, actions: l.views.map(actionJson), journal: l.journalPath };
}

export function actionJson(v: ActionView): Record<string, unknown> {
  const { action: _a, batch: _b, ...rest } = v;
  return { ...rest, source: sourceOf(v), call: callOf(v) };
}

export function rejectionJson(r: Rejection): Record<string, unknown> {
  return { file: r.display, at: r.at, kept: r.kept, diagnostics: r.diagnostics.map((d) => diagnosticJson(d, 'en')) };
}
