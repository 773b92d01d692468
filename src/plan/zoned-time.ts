import { DateTime, IANAZone } from 'luxon';
import { isInstantInRange, YEAR_RANGE_TEXT } from './time-bounds.js';

export type ZonedParse =
  | { readonly ok: true; readonly ms: number }
  | {
      readonly ok: false;
      readonly reason: 'invalid' | 'gap' | 'ambiguous';
      readonly detail: string;
      /**
       * For a gap or an overlap, the instant the later rules may go on with so that one pass reports
       * every problem (never planned): a skipped time moved forward by the gap, as the clocks would
       * show it after the change; a repeated time, its first occurrence.
       */
      readonly nearest?: number;
    };

const HAS_OFFSET = /T[\d:.,]+(Z|[+-]\d{2}(:?\d{2})?)$/i;

const validZones = new Map<string, boolean>();
/** Whether `zone` is an IANA zone (luxon builds an Intl formatter to tell, so the answer is kept). */
export function isValidZone(zone: string): boolean {
  let ok = validZones.get(zone);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(zone);
    if (validZones.size < 1000) validZones.set(zone, ok);
  }
  return ok;
}

/**
 * Parses an ISO 8601 time in an IANA zone. A time with an explicit offset (`Z`, `+08:00`) is taken
 * as is. A local time is checked against the zone's DST transitions: one that does not exist (the
 * clock skipped it) or that exists twice (the clock fell back over it) is refused rather than
 * silently moved — a lesson starting an hour off is worse than an error.
 */
export function parseZonedTime(text: string, zone: string): ZonedParse {
  const r = parseZonedTimeUnbounded(text, zone);
  const instant = r.ok ? r.ms : r.nearest;
  if (instant !== undefined && !isInstantInRange(instant))
    return { ok: false, reason: 'invalid', detail: `${JSON.stringify(text.trim())} is outside the years ${YEAR_RANGE_TEXT} (UTC) that runbook accepts` };
  return r;
}

function parseZonedTimeUnbounded(text: string, zone: string): ZonedParse {
  const trimmed = text.trim();
  const dt = DateTime.fromISO(trimmed, { zone });
  if (!dt.isValid) return { ok: false, reason: 'invalid', detail: `${JSON.stringify(text)} is not an ISO 8601 time` };
  if (HAS_OFFSET.test(trimmed)) return { ok: true, ms: dt.toMillis() };
  // The local wall-clock fields as written.
  const local = DateTime.fromISO(trimmed, { zone: 'UTC' });
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
  const z = IANAZone.create(zone);
  const candidates = new Set<number>();
  for (const probe of [wall - 86_400_000, wall, wall + 86_400_000]) {
    const offset = z.offset(probe);
    const instant = wall - offset * 60_000;
    if (z.offset(instant) === offset) candidates.add(instant);
  }
  if (candidates.size === 0)
    return { ok: false, reason: 'gap', detail: `${trimmed} does not exist in ${zone} (the clocks skip it for daylight saving time)`, nearest: dt.toMillis() };
  if (candidates.size > 1) {
    const [a, b] = [...candidates].sort((x, y) => x - y);
    const fmt = (ms: number): string => DateTime.fromMillis(ms, { zone }).toFormat('HH:mm ZZ');
    return { ok: false, reason: 'ambiguous', detail: `${trimmed} happens twice in ${zone} (${fmt(a!)} and ${fmt(b!)}): add an explicit offset`, nearest: a! };
  }
  return { ok: true, ms: [...candidates][0]! };
}

/** ms → "2026-12-01 19:30:00 +08:00" in the zone, for plans and logs. */
export function formatInZone(ms: number, zone: string, format = 'yyyy-MM-dd HH:mm:ss ZZ'): string {
  return DateTime.fromMillis(ms, { zone }).toFormat(format);
}
