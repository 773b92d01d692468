import type { HelperOptions } from 'handlebars';
import { DateTime } from 'luxon';
import { parseDuration } from '../core/duration.js';
import { msg } from '../i18n/index.js';
import { TemplateProblem } from './problem.js';

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
  // A term's lessons format the same few instants over and over (`{{time event.start}}` in every
  // message): parsing and the helpers' results are pure, so both are kept, per zone and text.
  const parsed = new BoundedCache<DateTime | undefined>();
  const parse = (value: unknown, helper: string, zone: string): DateTime => {
    if (typeof value !== 'string')
      throw new TemplateProblem(
        'helper',
        value === undefined
          ? msg('diag.template.helper.needsTimeGotNothing', { helper: `{{${helper}}}` })
          : msg('diag.template.helper.needsTime', { helper: `{{${helper}}}`, value: JSON.stringify(value) }),
      );
    const dt = parsed.get(`${zone}|${value}`, () => {
      const d = DateTime.fromISO(value, { zone, setZone: false });
      return d.isValid ? d.setZone(zone) : undefined;
    });
    if (!dt) throw new TemplateProblem('helper', msg('diag.template.helper.notIsoTime', { helper: `{{${helper}}}`, value: JSON.stringify(value) }));
    return dt;
  };
  const fmt = (dt: DateTime, format: unknown, fallback: string): string => dt.toFormat(typeof format === 'string' ? format : fallback);
  const args = (all: unknown[]): unknown[] => all.slice(0, -1); // drop Handlebars' options object
  // Every helper is pure in its arguments and the zone: the text it returns is kept too.
  const memo =
    (name: string, body: (args: unknown[], zone: string) => string) =>
    (...all: unknown[]): string => {
      const a = args(all);
      const zone = zoneOf(all);
      if (!a.every((x) => typeof x === 'string')) return body(a, zone);
      return results.get(`${name}\u0000${zone}\u0000${a.join('\u0000')}`, () => body(a, zone));
    };
  const results = new BoundedCache<string>();
  return {
    date: memo('date', ([x, f], zone) => fmt(parse(x, 'date', zone), f, 'yyyy-MM-dd')),
    time: memo('time', ([x, f], zone) => fmt(parse(x, 'time', zone), f, 'HH:mm')),
    datetime: memo('datetime', ([x, f], zone) => fmt(parse(x, 'datetime', zone), f, "yyyy-MM-dd'T'HH:mm:ss")),
    add: memo('add', ([x, d, f], zone) => {
      const text = typeof d === 'string' ? d.trim() : '';
      const negative = text.startsWith('-');
      const ms = parseDuration(text.replace(/^[+-]/, ''));
      if (ms === undefined) throw new TemplateProblem('helper', msg('diag.template.helper.notDuration', { helper: '{{add}}', value: JSON.stringify(d) }));
      // Adding a duration moves the instant (as luxon's plus() does for time units), then reads it in the zone.
      const dt = DateTime.fromMillis(parse(x, 'add', zone).toMillis() + (negative ? -ms : ms), { zone });
      return typeof f === 'string' ? dt.toFormat(f) : (dt.toISO({ suppressMilliseconds: true, includeOffset: false }) ?? '');
    }),
  };
}

export type { HelperOptions };

/** A memo that forgets everything when it grows past its bound (a long-running process sees many texts). */
class BoundedCache<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly max = 10_000) {}
  get(key: string, make: () => T): T {
    if (this.map.has(key)) return this.map.get(key) as T;
    const value = make();
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}
