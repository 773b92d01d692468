import { PlatformLimits } from './limits.js';

/**
 * The platform's check-in rule, as documented for batch-checkin: on one channel, intervals
 * [start, start + limitTime·1000] may not overlap, and the next must start at least 5 s after the
 * previous ends. limitTime 0 ("no limit") is taken as the zero-length interval [start, start].
 */
export const CHECKIN_MIN_GAP_MS = PlatformLimits.checkinMinGapMs;

export interface CheckinInterval {
  readonly start: number;
  readonly end: number;
}

/** True when `a` and `b` collide: they overlap, or the later starts less than 5 s after the earlier ends. */
export function intervalsCollide(a: CheckinInterval, b: CheckinInterval): boolean {
  const [first, second] = a.start <= b.start ? [a, b] : [b, a];
  return second.start < first.end + CHECKIN_MIN_GAP_MS;
}
