import type { Diagnostic } from '../core/diagnostic.js';
import { callOf, sourceOf, type ActionView } from './action-view.js';
import type { Lesson } from './lesson.js';
import type { Rejection } from './term.js';

/** What the API says of a lesson in a list: identity, times, state and counts by action state. */
export function lessonSummary(l: Lesson): Record<string, unknown> {
  const counts: Record<string, number> = { pending: 0, sending: 0, done: 0, failed: 0, ambiguous: 0, skipped: 0 };
  for (const v of l.views) counts[v.state] = (counts[v.state] ?? 0) + 1;
  const next = l.nextDue();
  return {
    id: l.id,
    file: l.source.display,
    name: l.plan.event.name,
    zone: l.plan.event.zone,
    start: l.plan.event.start,
    end: l.plan.event.end,
    state: l.phase,
    total: l.views.length,
    counts,
    ...(next !== undefined ? { next } : {}),
    ...(l.lockedBy ? { lockedBy: l.lockedBy } : {}),
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

export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.location.file,
    line: d.location.line,
    col: d.location.col,
    ...(d.stepId ? { stepId: d.stepId } : {}),
    ...(d.related ? { related: d.related.map((r) => ({ message: r.message, file: r.location.file, line: r.location.line, col: r.location.col })) } : {}),
  };
}

export function rejectionJson(r: Rejection): Record<string, unknown> {
  return { file: r.display, at: r.at, kept: r.kept, diagnostics: r.diagnostics.map(diagnosticJson) };
}
