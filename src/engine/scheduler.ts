import type { EngineClock } from './clock.js';
import type { Unit } from './units.js';

/** How long before its instant a unit's intent is written (see Schedule.commit). */
export const INTENT_AHEAD_MS = 50;

/** How long before an instant the transport is told of its calls (see Schedule.prepare). */
export const PREPARE_AHEAD_MS = 2000;

/** How long after an instant's dispatch the next instant may be prepared (its calls are still on the wire). */
const SETTLE_MS = 250;

/** Units due within this much of an instant are prepared with it. */
const BURST_WINDOW_MS = 1000;

/** What the scheduler drives. Each step is told the units it is about; the scheduler only keeps time. */
export interface Schedule {
  /** Seconds ahead of an instant: the units due in its window (the transport gets ready for them). */
  prepare(units: readonly Unit[]): void;
  /** INTENT_AHEAD_MS ahead of an instant: the units due at it (their intents are made durable). */
  commit(units: readonly Unit[]): void | Promise<void>;
  /** At the instant, never before: the units due by `now`. Resolves when they may be left to run. */
  fire(due: readonly Unit[], now: number): Promise<void>;
}

/**
 * Walks the queue (in time order) on the clock: for each instant, prepares it a little ahead (not
 * while the previous instant's calls are still being written and answered), commits it just ahead,
 * and fires it at its time. Resolves `true` when interrupted (the signal) before the queue was done.
 */
export async function runSchedule(queue: readonly Unit[], clock: EngineClock, signal: AbortSignal, s: Schedule): Promise<boolean> {
  let next = 0;
  let preparedFor = -Infinity;
  let lastInstant = -Infinity;
  const dueBy = (t: number): Unit[] => {
    const out: Unit[] = [];
    for (let i = next; i < queue.length && queue[i]!.at <= t; i += 1) out.push(queue[i]!);
    return out;
  };
  while (next < queue.length) {
    const at = queue[next]!.at;
    try {
      if (at > preparedFor) {
        const from = Math.min(Math.max(at - PREPARE_AHEAD_MS, lastInstant + SETTLE_MS), at - INTENT_AHEAD_MS);
        if (from > clock.now()) await clock.sleepUntil(from, signal);
        preparedFor = at;
        s.prepare(dueBy(at + BURST_WINDOW_MS));
      }
      await clock.sleepUntil(at - INTENT_AHEAD_MS, signal);
      // Committed ahead only when this is still ahead of the instant (not on a late start or resume:
      // then each unit is committed as it fires).
      if (!signal.aborted && at - clock.now() <= INTENT_AHEAD_MS + 5) {
        const writing = s.commit(dueBy(at));
        if (writing) await writing;
      }
      await clock.sleepUntil(at, signal);
    } catch {
      return true;
    }
    if (signal.aborted) return true;
    const now = clock.now();
    const due: Unit[] = [];
    while (next < queue.length && queue[next]!.at <= now) due.push(queue[next++]!);
    lastInstant = now;
    await s.fire(due, now);
  }
  return false;
}
