import { parseDuration } from '../core/duration.js';
import { atMost, TimeBounds } from './time-bounds.js';
import { parseZonedTime, type ZonedParse } from './zoned-time.js';

/** The lesson's frame for relative times. */
export interface TimeFrame {
  readonly start: number;
  readonly end: number;
  readonly zone: string;
}

const RELATIVE = /^(start|end)?\s*(?:([+-])\s*(.+))?$/i;

/**
 * A step time: relative to the lesson (`-5m`, `+10m`, `start+10m`, `end+15m`, `end-1m30s`, `start`,
 * `end`) or absolute ISO 8601 (local to the event's zone, or with an offset). Relative times move
 * with `--start`; absolute ones do not.
 */
export function parseTimeSpec(text: string, frame: TimeFrame): ZonedParse & { relative?: boolean; anchor?: 'start' | 'end' } {
  const t = text.trim();
  const m = RELATIVE.exec(t);
  if (m && (m[1] || m[2])) {
    const toEnd = m[1]?.toLowerCase() === 'end';
    const anchor = toEnd ? frame.end : frame.start;
    const named = toEnd ? ('end' as const) : ('start' as const);
    if (!m[2]) return { ok: true, ms: anchor, relative: true, anchor: named };
    const d = parseDuration(m[3]!);
    if (d === undefined)
      return { ok: false, reason: 'invalid', detail: `${JSON.stringify(text)}: ${JSON.stringify(m[3])} is not a duration like 90s, 5m or 1h30m` };
    if (d > TimeBounds.maxOffsetMs)
      return {
        ok: false,
        reason: 'invalid',
        detail: `${JSON.stringify(text)} is too far from the event's ${named}: a step time lies ${atMost(TimeBounds.maxOffsetMs)} from it`,
      };
    return { ok: true, ms: anchor + (m[2] === '-' ? -d : d), relative: true, anchor: named };
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) return parseZonedTime(t, frame.zone);
  return {
    ok: false,
    reason: 'invalid',
    detail: `${JSON.stringify(text)} is not a time: use -5m, +10m, start+10m, end+15m or an ISO time like 2026-12-01T19:30`,
  };
}
