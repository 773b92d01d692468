import { sleep } from '../core/sleep.js';

/**
 * Time for the engine. `sleepUntil` never returns early. The real clock sleeps in slices of at most
 * 30 s (no timer overflow past 2^31−1 ms, and a machine that slept or a wall clock that jumped is
 * noticed within a slice: every wake re-reads the time), then wakes ~15 ms early and spins on the
 * wall clock for the last stretch, because timers fire late by a few ms under load.
 */
export interface EngineClock {
  now(): number;
  sleepUntil(t: number, signal?: AbortSignal): Promise<void>;
}

const SLICE_MS = 30_000;
const SPIN_MS = 15;

export const realClock: EngineClock = {
  now: () => Date.now(),
  async sleepUntil(t, signal) {
    for (;;) {
      signal?.throwIfAborted();
      const left = t - Date.now();
      if (left <= 0) return;
      if (left > SPIN_MS) {
        await sleep(Math.min(left - SPIN_MS, SLICE_MS), signal);
        continue;
      }
      // The last few ms: yield to I/O between checks rather than burning a whole core.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  },
};

/**
 * The platform's clock, kept as an offset from the local one (`offsetMs()`, e.g. the transport's
 * PlatformClock, measured from answers' Date headers): the lesson's clock. `sleepUntil` never returns
 * before the platform's time `t`, even if the offset changes while it sleeps.
 */
export function platformClock(offsetMs: () => number): EngineClock {
  return {
    now: () => Date.now() + offsetMs(),
    async sleepUntil(t, signal) {
      while (Date.now() + offsetMs() < t) await realClock.sleepUntil(t - offsetMs(), signal);
    },
  };
}

/** A clock that jumps to the requested time at once: `--dry-run` and tests. */
export class VirtualClock implements EngineClock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  async sleepUntil(t: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (t > this.t) this.t = t;
  }
}
