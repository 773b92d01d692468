import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import { parseDuration } from '../core/duration.js';
import { duration, msg, type Msg } from '../i18n/index.js';
import type { RenderedPlaybook } from '../template/types.js';
import { TimeBounds } from './time-bounds.js';
import type { TimeFrame } from './time-spec.js';
import { isValidZone, parseZonedTime, type ZonedParse } from './zoned-time.js';

/**
 * The event's zone, start and end. `startOverride` (from --start) moves the start; the end keeps
 * the same duration after it.
 */
export function resolveEventFrame(pb: RenderedPlaybook, startOverride: number | undefined, diagnostics: Diagnostic[]): TimeFrame | undefined {
  const ev = pb.doc.event ?? {};
  const at = (field: string) => pb.source.locate(['event', field]);
  const fail = (code: Diagnostic['code'], message: Msg, field: string): undefined => {
    diagnostics.push({ code, severity: 'error', message, location: field ? at(field) : pb.source.locate([]) });
    return undefined;
  };
  if (!ev.timezone) return fail(DiagnosticCodes.EVENT_TIMES, msg('diag.event.needsTimezone'), 'event');
  let zone = ev.timezone;
  if (!isValidZone(zone)) {
    // Reported, and the rest is still checked in UTC (the plan is not made), so that one pass shows
    // the steps' own problems too.
    fail(DiagnosticCodes.INVALID_TIMEZONE, msg('diag.event.unknownZone', { zone: JSON.stringify(ev.timezone) }), 'timezone');
    zone = 'UTC';
  }
  if (!ev.start) return fail(DiagnosticCodes.EVENT_TIMES, msg('diag.event.needsStart'), 'event');
  const codeOf = (r: ZonedParse & { ok: false }): Diagnostic['code'] =>
    r.reason === 'gap' ? DiagnosticCodes.DST_GAP : r.reason === 'ambiguous' ? DiagnosticCodes.DST_AMBIGUOUS : DiagnosticCodes.INVALID_TIME;
  // A start or end in a DST gap or overlap is reported and the later rules go on with the nearest
  // instant (the error keeps the plan from being made), so that one pass shows every problem.
  const timeOf = (text: string, field: 'start' | 'end'): number | undefined => {
    const r = parseZonedTime(text, zone);
    if (r.ok) return r.ms;
    fail(codeOf(r), msg('diag.event.fieldProblem', { field, problem: r.text }), field);
    return r.nearest;
  };
  const startMs = timeOf(ev.start, 'start');
  if (startMs === undefined) return undefined;
  let end: number;
  if (ev.end !== undefined) {
    const e = timeOf(ev.end, 'end');
    if (e === undefined) return undefined;
    end = e;
  } else if (ev.duration !== undefined) {
    const d = parseDuration(ev.duration);
    if (d === undefined) return fail(DiagnosticCodes.INVALID_DURATION, msg('diag.event.durationInvalid', { value: JSON.stringify(ev.duration) }), 'duration');
    if (d > TimeBounds.maxEventMs)
      return fail(
        DiagnosticCodes.INVALID_DURATION,
        msg('diag.event.durationTooLong', { value: JSON.stringify(ev.duration), max: duration(TimeBounds.maxEventMs) }),
        'duration',
      );
    end = startMs + d;
  } else {
    return fail(DiagnosticCodes.EVENT_TIMES, msg('diag.event.needsEnd'), 'event');
  }
  if (end <= startMs) return fail(DiagnosticCodes.EVENT_TIMES, msg('diag.event.endBeforeStart'), ev.end !== undefined ? 'end' : 'duration');
  if (end - startMs > TimeBounds.maxEventMs)
    return fail(DiagnosticCodes.INVALID_DURATION, msg('diag.event.tooLong', { length: duration(end - startMs), max: duration(TimeBounds.maxEventMs) }), 'end');
  const start = { ms: startMs };
  if (startOverride !== undefined) return { zone, start: startOverride, end: startOverride + (end - start.ms) };
  return { zone, start: start.ms, end };
}
