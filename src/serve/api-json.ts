import { diagnosticJson } from '../core/diagnostic.js';
import { formatMessage, type Language } from '../i18n/index.js';
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

/** One lesson with its channels and every action; its texts in `lang`. */
export function lessonDetail(l: Lesson, lang: Language): Record<string, unknown> {
  return { ...lessonSummary(l), channels: l.plan.channels, actions: l.views.map((v) => actionJson(v, lang)), journal: l.journalPath };
}

/** One action; its `message` in `lang` when runbook wrote it (the platform's answers as it gave them). */
export function actionJson(v: ActionView, lang: Language): Record<string, unknown> {
  const { action: _a, batch: _b, message, ...rest } = v;
  return { ...rest, ...(message !== undefined ? { message: formatMessage(message, lang) } : {}), source: sourceOf(v), call: callOf(v) };
}

/** A file whose change did not validate; its diagnostics' messages in `lang`, their codes as they are. */
export function rejectionJson(r: Rejection, lang: Language): Record<string, unknown> {
  return { file: r.display, at: r.at, kept: r.kept, diagnostics: r.diagnostics.map((d) => diagnosticJson(d, lang)) };
}
