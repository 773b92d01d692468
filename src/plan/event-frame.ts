import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import { parseDuration } from '../core/duration.js';
import type { RenderedPlaybook } from '../template/types.js';
import type { TimeFrame } from './time-spec.js';
import { isValidZone, parseZonedTime } from './zoned-time.js';

/**
 * The event's zone, start and end. `startOverride` (from --start) moves the start; the end keeps
 * the same duration after it.
 */
export function resolveEventFrame(pb: RenderedPlaybook, startOverride: number | undefined, diagnostics: Diagnostic[]): TimeFrame | undefined {
  const ev = pb.doc.event ?? {};
  const at = (field: string) => pb.source.locate(['event', field]);
  const fail = (code: Diagnostic['code'], message: string, field: string): undefined => {
    diagnostics.push({ code, severity: 'error', message, location: field ? at(field) : pb.source.locate([]) });
    return undefined;
  };
  if (!ev.timezone) return fail(DiagnosticCodes.EVENT_TIMES, 'the event needs a `timezone` (an IANA zone such as Asia/Shanghai)', 'event');
  let zone = ev.timezone;
  if (!isValidZone(zone)) {
    // Reported, and the rest is still checked in UTC (the plan is not made), so that one pass shows
    // the steps' own problems too.
    fail(DiagnosticCodes.INVALID_TIMEZONE, `unknown time zone ${JSON.stringify(ev.timezone)}: use an IANA name such as Asia/Shanghai or Europe/Berlin`, 'timezone');
    zone = 'UTC';
  }
  if (!ev.start) return fail(DiagnosticCodes.EVENT_TIMES, 'the event needs a `start`', 'event');
  const start = parseZonedTime(ev.start, zone);
  if (!start.ok) return fail(start.reason === 'gap' ? DiagnosticCodes.DST_GAP : start.reason === 'ambiguous' ? DiagnosticCodes.DST_AMBIGUOUS : DiagnosticCodes.INVALID_TIME, `event start: ${start.detail}`, 'start');
  let end: number;
  if (ev.end !== undefined) {
    const e = parseZonedTime(ev.end, zone);
    if (!e.ok) return fail(e.reason === 'gap' ? DiagnosticCodes.DST_GAP : e.reason === 'ambiguous' ? DiagnosticCodes.DST_AMBIGUOUS : DiagnosticCodes.INVALID_TIME, `event end: ${e.detail}`, 'end');
    end = e.ms;
  } else if (ev.duration !== undefined) {
    const d = parseDuration(ev.duration);
    if (d === undefined) return fail(DiagnosticCodes.INVALID_DURATION, `event duration ${JSON.stringify(ev.duration)} is not a duration like 90m or 1h30m`, 'duration');
    end = start.ms + d;
  } else {
    return fail(DiagnosticCodes.EVENT_TIMES, 'the event needs an `end` or a `duration`', 'event');
  }
  if (end <= start.ms) return fail(DiagnosticCodes.EVENT_TIMES, 'the event must end after it starts', ev.end !== undefined ? 'end' : 'duration');
  if (startOverride !== undefined) return { zone, start: startOverride, end: startOverride + (end - start.ms) };
  return { zone, start: start.ms, end };
}
