import { parseDuration } from '../core/duration.js';
import { duration, msg } from '../i18n/index.js';
import { TimeBounds } from './time-bounds.js';
import { failure, parseZonedTime, type ZonedParse } from './zoned-time.js';

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
    if (d === undefined) return failure('invalid', msg('diag.time.offsetNotDuration', { text: JSON.stringify(text), offset: JSON.stringify(m[3]) }));
    if (d > TimeBounds.maxOffsetMs)
      return failure('invalid', msg('diag.time.offsetTooFar', { text: JSON.stringify(text), anchor: named, max: duration(TimeBounds.maxOffsetMs) }));
    return { ok: true, ms: anchor + (m[2] === '-' ? -d : d), relative: true, anchor: named };
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) return parseZonedTime(t, frame.zone);
  return failure('invalid', msg('diag.time.notATime', { text: JSON.stringify(text) }));
}
