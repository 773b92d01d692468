import { duration, formatMessage, msg, type Msg } from '../i18n/index.js';

/**
 * The bounds every time in a playbook must keep. They are far beyond any real lesson and keep every
 * computed instant (start + offsets, minus the check-in lead) inside what a JavaScript Date can
 * format, so nothing a valid playbook holds can make `plan` or `run` fail on a time.
 */
export const TimeBounds = Object.freeze({
  /** The longest event (start to end): a lesson, or a workshop spread over a few days. */
  maxEventMs: 7 * 86_400_000,
  /** The furthest a relative step time (`+10m`, `end+15m`) may lie from its anchor. */
  maxOffsetMs: 7 * 86_400_000,
  /** The longest other duration a playbook gives (check-in lead, report deadline). */
  maxDurationMs: 7 * 86_400_000,
  /** Absolute times (event start/end, ISO step times, --start) lie within these years (UTC). */
  minYear: 2000,
  maxYear: 2199,
});

const MIN_MS = Date.UTC(TimeBounds.minYear, 0, 1);
const MAX_MS = Date.UTC(TimeBounds.maxYear + 1, 0, 1);

/** Whether an absolute instant lies within the allowed years. */
export function isInstantInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_MS && ms < MAX_MS;
}

/** "at most 7d" / "最多 7天", as a message part. */
export function atMostMsg(ms: number): Msg {
  return msg('diag.common.atMost', { max: duration(ms) });
}

/** "at most 7d" in English, for callers that still build English text (the `--start` option's errors). */
export function atMost(ms: number): string {
  return formatMessage(atMostMsg(ms), 'en');
}
