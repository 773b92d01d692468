import { DateTime, IANAZone } from 'luxon';
import { formatMessage, msg, time, type Msg } from '../i18n/index.js';
import { isInstantInRange, TimeBounds } from './time-bounds.js';

export type ZonedParse =
  | { readonly ok: true; readonly ms: number }
  | {
      readonly ok: false;
      readonly reason: 'invalid' | 'gap' | 'ambiguous';
      /** What is wrong, as a message (the diagnostics show it in the reader's language). */
      readonly text: Msg;
      /** `text` in English, for callers that still build English text (the `--start` option's errors). */
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
    return failure(
      'invalid',
      msg('diag.time.outOfYears', { text: JSON.stringify(text.trim()), from: String(TimeBounds.minYear), to: String(TimeBounds.maxYear) }),
    );
  return r;
}

function parseZonedTimeUnbounded(text: string, zone: string): ZonedParse {
  const trimmed = text.trim();
  const dt = DateTime.fromISO(trimmed, { zone });
  if (!dt.isValid) return failure('invalid', msg('diag.time.notIso', { text: JSON.stringify(text) }));
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
  if (candidates.size === 0) return failure('gap', msg('diag.time.dstGap', { text: trimmed, zone }), dt.toMillis());
  if (candidates.size > 1) {
    const [a, b] = [...candidates].sort((x, y) => x - y);
    // Both instants with their offsets (the only thing that tells them apart), in the event's zone.
    return failure('ambiguous', msg('diag.time.dstAmbiguous', { text: trimmed, zone, first: time(a!, zone, 'full'), second: time(b!, zone, 'full') }), a!);
  }
  return { ok: true, ms: [...candidates][0]! };
}

/** A failed parse with its message (and the English form beside it). */
export function failure(reason: 'invalid' | 'gap' | 'ambiguous', text: Msg, nearest?: number): ZonedParse & { ok: false } {
  return { ok: false, reason, text, detail: formatMessage(text, 'en'), ...(nearest !== undefined ? { nearest } : {}) };
}

/** ms → "2026-12-01 19:30:00 +08:00" in the zone, for plans and logs (machine-shaped: ISO-like in every language). */
// i18n-exempt: a luxon format pattern, not prose
export function formatInZone(ms: number, zone: string, format = 'yyyy-MM-dd HH:mm:ss ZZ'): string {
  return DateTime.fromMillis(ms, { zone }).toFormat(format);
}
