import type { HelperOptions } from 'handlebars';
import { DateTime } from 'luxon';
import { parseDuration } from '../core/duration.js';

/** The helpers runbook adds to handlebars' own (if, unless, each, with, lookup, log). */
export const DATE_HELPER_NAMES = ['date', 'time', 'datetime', 'add'] as const;

/**
 * Date and time helpers, all in the event's time zone, which each render passes in its data
 * (`{ data: { zone } }`), so that one compiled template serves every playbook:
 * - `{{date x}}` → 2026-12-01, `{{time x}}` → 19:30, `{{datetime x "cccc d LLL HH:mm"}}` (luxon format)
 * - `{{add x "10m"}}` → the ISO time 10 minutes after x; `{{add x "-5m" "HH:mm"}}` formats it.
 * `x` is an ISO 8601 time such as `event.start` (local to the event's zone unless it has an offset).
 */
export function dateHelpers(): Record<(typeof DATE_HELPER_NAMES)[number], (...args: unknown[]) => string> {
  const zoneOf = (all: unknown[]): string => {
    const options = all[all.length - 1] as HelperOptions | undefined;
    const zone = (options?.data as { zone?: unknown } | undefined)?.zone;
    return typeof zone === 'string' ? zone : 'UTC';
  };
  const parse = (value: unknown, helper: string, zone: string): DateTime => {
    if (typeof value !== 'string') throw new Error(`{{${helper}}} needs an ISO time, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    const dt = DateTime.fromISO(value, { zone, setZone: false });
    if (!dt.isValid) throw new Error(`{{${helper}}}: ${JSON.stringify(value)} is not an ISO 8601 time`);
    return dt.setZone(zone);
  };
  const fmt = (dt: DateTime, format: unknown, fallback: string): string => dt.toFormat(typeof format === 'string' ? format : fallback);
  const args = (all: unknown[]): unknown[] => all.slice(0, -1); // drop Handlebars' options object
  return {
    date: (...all) => {
      const [x, f] = args(all);
      return fmt(parse(x, 'date', zoneOf(all)), f, 'yyyy-MM-dd');
    },
    time: (...all) => {
      const [x, f] = args(all);
      return fmt(parse(x, 'time', zoneOf(all)), f, 'HH:mm');
    },
    datetime: (...all) => {
      const [x, f] = args(all);
      return fmt(parse(x, 'datetime', zoneOf(all)), f, "yyyy-MM-dd'T'HH:mm:ss");
    },
    add: (...all) => {
      const [x, d, f] = args(all);
      const text = typeof d === 'string' ? d.trim() : '';
      const negative = text.startsWith('-');
      const ms = parseDuration(text.replace(/^[+-]/, ''));
      if (ms === undefined) throw new Error(`{{add}}: ${JSON.stringify(d)} is not a duration like 10m or -1h30m`);
      const dt = parse(x, 'add', zoneOf(all)).plus({ milliseconds: negative ? -ms : ms });
      return typeof f === 'string' ? dt.toFormat(f) : (dt.toISO({ suppressMilliseconds: true, includeOffset: false }) ?? '');
    },
  };
}

export type { HelperOptions };
