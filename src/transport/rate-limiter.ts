import { sleep } from '../core/sleep.js';
import { ClientPacing } from '../polyv/limits.js';

/**
 * One sliding-window limiter for all platform calls of a process. The platform blocks an IP for five
 * minutes past 1500 requests in 10 s, across *all* its work, so every call of the process goes
 * through the same instance (`sharedRateLimiter`) unless a test injects its own.
 */
export interface RateLimiterOptions {
  readonly max: number;
  readonly windowMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * What the client needs of a limiter: this per-process one, or the cluster-wide one in Redis
 * (src/cluster/rate-limit.ts) for nodes behind one NAT address.
 */
export interface Limiter {
  /** Takes a slot at once if one is free and nobody waits; false means: call `acquire`. */
  tryAcquire(): boolean;
  /** Resolves when one more request may start; rejects when aborted or when the limiter gives up (nothing sent). */
  acquire(signal?: AbortSignal): Promise<void>;
}

/** Default pacing: the client's share of the platform's limit (ClientPacing, src/polyv/limits.ts). */
export const DEFAULT_RATE_LIMIT = Object.freeze({ max: ClientPacing.requests, windowMs: ClientPacing.windowMs });

export class RateLimiter implements Limiter {
  private readonly times: number[] = [];
  private head = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  /** Callers inside `acquire` (queued or sleeping); `tryAcquire` never overtakes them. */
  private waiting = 0;

  constructor(readonly options: RateLimiterOptions = DEFAULT_RATE_LIMIT) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? sleep;
  }

  /**
   * Takes a slot at once when one is free and nobody is waiting for one; false otherwise (then call
   * `acquire`). The synchronous path matters at a burst's instant: a hundred sends due together are
   * handed to the connection pool in one pass instead of through a hundred chained promises.
   */
  tryAcquire(): boolean {
    if (this.waiting > 0) return false;
    return this.take(this.now());
  }

  /** Resolves when one more request may start. Requests are admitted in arrival order. */
  acquire(signal?: AbortSignal): Promise<void> {
    this.waiting += 1;
    const turn = this.queue.then(() => this.admit(signal)).finally(() => (this.waiting -= 1));
    // A waiter that was aborted must not block the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async admit(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const t = this.now();
      if (this.take(t)) return;
      await this.sleep(this.times[this.head]! + this.options.windowMs - t + 1, signal);
    }
  }

  /** Records a request at `t` if the window has room. */
  private take(t: number): boolean {
    while (this.head < this.times.length && this.times[this.head]! <= t - this.options.windowMs) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    if (this.times.length - this.head >= this.options.max) return false;
    this.times.push(t);
    return true;
  }
}

/** The one sleep (src/core/sleep.ts), under the name the exports import it by. */
export { sleep as abortableSleep } from '../core/sleep.js';

let shared: RateLimiter | undefined;
/** The process-wide limiter. */
export function sharedRateLimiter(): RateLimiter {
  shared ??= new RateLimiter();
  return shared;
}
