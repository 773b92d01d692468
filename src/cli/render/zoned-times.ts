import { DateTime } from 'luxon';
import { catalogText, displayWidth, formatTime, time, type Language, type TimeStyle } from '../../i18n/index.js';

export interface ZonedTimes {
  /** `ms` in the zone, as the language writes it (`time.pattern.<style>`, the same text as `formatTime`). */
  readonly text: (ms: number) => string;
  /** The terminal columns of `text(ms)`. */
  readonly width: (ms: number) => number;
}

/**
 * Times of one zone and language for a table of many rows. Zones change offset only on whole
 * minutes, so a minute's text is formatted (by luxon, with the catalog's pattern) once, with a hole
 * where the seconds go, and each time of that minute fills in its seconds — a plan of tens of
 * thousands of actions formats a few thousand minutes, not every action with luxon's full cost.
 * A pattern without exactly one `ss` is formatted whole each time.
 */
export function zonedTimes(zone: string, lang: Language, style: Extract<TimeStyle, 'dateTimeSeconds' | 'full'>): ZonedTimes {
  const pattern = catalogText(lang, `time.pattern.${style}`) ?? '';
  const parts = pattern.split('ss');
  if (parts.length !== 2) {
    const text = (ms: number): string => formatTime(time(ms, zone, style), lang);
    return { text, width: (ms) => displayWidth(text(ms)) };
  }
  const HOLE = '\u0000';
  const holed = `${parts[0]}'${HOLE}'${parts[1]}`;
  const minutes = new Map<number, { head: string; tail: string; width: number }>();
  const minuteOf = (ms: number): { head: string; tail: string; width: number } => {
    const key = Math.floor(ms / 60_000);
    let m = minutes.get(key);
    if (!m) {
      let dt = DateTime.fromMillis(key * 60_000, { zone, locale: lang });
      if (!dt.isValid) dt = DateTime.fromMillis(key * 60_000, { zone: 'utc', locale: lang });
      const [head = '', tail = ''] = dt.toFormat(holed).split(HOLE);
      m = { head, tail, width: displayWidth(head) + 2 + displayWidth(tail) };
      minutes.set(key, m);
    }
    return m;
  };
  const seconds = (ms: number): string => String(Math.floor((((ms % 60_000) + 60_000) % 60_000) / 1000)).padStart(2, '0');
  return {
    text: (ms) => {
      const m = minuteOf(ms);
      return `${m.head}${seconds(ms)}${m.tail}`;
    },
    width: (ms) => minuteOf(ms).width,
  };
}
