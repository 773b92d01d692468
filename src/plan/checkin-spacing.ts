import { CHECKIN_MIN_GAP_MS } from '../polyv/checkin-rule.js';

export interface SpacedCheckin {
  readonly channelId: string;
  readonly start: number;
  /** start + limitTime·1000; limitTime 0 ("no limit") counts as a zero-length interval. */
  readonly end: number;
}

export interface SpacingViolation<T> {
  readonly kind: 'overlap' | 'gap';
  /** The earlier check-in and the later one that collides with it. */
  readonly first: T;
  readonly second: T;
  /** For 'gap': how far apart they are (ms), less than 5000. */
  readonly gapMs: number;
}

/**
 * The platform's 5-second rule per channel: intervals may not overlap, and each must start at least
 * 5 s after every earlier one ends. Sorting by start and keeping the earlier interval that reaches
 * furthest finds every check-in that collides with something before it, in O(n log n).
 */
export function findSpacingViolations<T extends SpacedCheckin>(items: readonly T[]): SpacingViolation<T>[] {
  const byChannel = new Map<string, T[]>();
  for (const c of items) {
    const list = byChannel.get(c.channelId);
    if (list) list.push(c);
    else byChannel.set(c.channelId, [c]);
  }
  const out: SpacingViolation<T>[] = [];
  for (const list of byChannel.values()) {
    list.sort((a, b) => a.start - b.start || a.end - b.end);
    let reach: T | undefined;
    for (const c of list) {
      if (reach && c.start < reach.end + CHECKIN_MIN_GAP_MS) {
        out.push({ kind: c.start < reach.end || c.start === reach.start ? 'overlap' : 'gap', first: reach, second: c, gapMs: c.start - reach.end });
      }
      if (!reach || c.end > reach.end) reach = c;
    }
  }
  return out;
}
