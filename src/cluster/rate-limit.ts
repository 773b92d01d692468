import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ExitCodes, RunbookError } from '../core/errors.js';
import { duration, msg } from '../i18n/index.js';
import { sleep as defaultSleep } from '../core/sleep.js';
import type { Limiter } from '../transport/rate-limiter.js';
import { RATE_LIMIT_SCRIPT } from './rate-limit-script.js';

/**
 * One sliding-window limit shared by every node of a cluster, kept in Redis: for nodes that reach the
 * platform through one NAT address, where the platform's per-IP limit counts all of them together.
 * (Nodes with their own addresses keep the per-process limiter: the platform limits per IP.)
 *
 * The window is a sorted set of grant instants. One Lua script prunes it, counts it and grants, so
 * the check and the grant are one atomic step however many nodes ask at once; the instants come
 * from Redis's own clock (TIME), so the nodes' clocks never enter into it.
 *
 * Same shape and meaning as the per-process limiter (src/transport/rate-limiter.ts): at most `max`
 * grants in any `windowMs`, callers of one process admitted in arrival order. Across nodes, those
 * refused queue in a line kept in Redis and are served in the order they started waiting
 * (src/cluster/rate-limit-script.ts); a node that dies in the line loses its place after a window
 * and two seconds of silence.
 *
 * When Redis cannot be reached, nothing is granted: a request is never sent without a grant (the
 * platform's answer to an overrun is a five-minute block of the whole address, worse than a late or
 * failed message). A caller waits up to `unreachableMs` for Redis to come back, then its `acquire`
 * rejects with ClusterRateLimitError — which the client counts as "not sent" and the send's policy
 * takes from there. A script call that timed out may still have granted at Redis; that grant is then
 * wasted, which only errs on the side of sending less.
 */
export interface ClusterRateLimiterOptions {
  readonly max: number;
  readonly windowMs: number;
  /** The sorted set's key; every node of one cluster (one NAT address) must use the same. */
  readonly key?: string;
  /** How long a caller waits for an unreachable Redis before its acquire gives up (default 5 s). */
  readonly unreachableMs?: number;
  /** Per script call (default 1 s): a Redis that stopped answering counts as unreachable after it. */
  readonly commandTimeoutMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export const DEFAULT_CLUSTER_RATE_LIMIT_KEY = 'runbook:rate-limit';

/** The limiter gave up waiting for Redis: the request was not sent. */
export class ClusterRateLimitError extends RunbookError {
  override readonly name = 'ClusterRateLimitError';
  constructor(
    readonly waitedMs: number,
    options?: { cause?: unknown },
  ) {
    super('E_CLUSTER_RATE_LIMIT', msg('cluster.rateLimit.unreachable', { waited: duration(Math.round(waitedMs)) }), ExitCodes.FAILED, options);
  }
}

/** The limiter was closed (the node is stopping): nothing more is let through. */
function closedError(): RunbookError {
  return new RunbookError('E_CLUSTER_RATE_LIMIT', msg('cluster.rateLimit.closed'), ExitCodes.FAILED);
}

/** At most this many grants per script call (Lua's unpack has a stack limit; a burst is asked in parts). */
const MAX_PER_CALL = 500;

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly since: number;
}

function aborted(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new Error('aborted');
}

type LimitRedis = Redis & {
  runbookRateLimit(
    window: string,
    line: string,
    wants: string,
    seen: string,
    max: number,
    windowMs: number,
    want: number,
    tag: string,
    node: string,
    keepMs: number,
  ): Promise<[number, number]>;
};

export class ClusterRateLimiter implements Limiter {
  private readonly redis: LimitRedis;
  private readonly key: string;
  private readonly unreachableMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly id = randomBytes(6).toString('hex');
  private calls = 0;
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  /** Whether Redis last left this node in the line (it then leaves explicitly when nobody waits). */
  private inLine = false;
  private closed = false;
  /** Stops the pump's sleeps on close. */
  private readonly stopping = new AbortController();
  /** Cuts the pump's current sleep short. */
  private wake: AbortController | undefined;

  /**
   * Opens its own connection to `url`: the limiter needs commands that fail fast while Redis is away
   * (no offline queue, a per-command timeout), unlike BullMQ's connections, which wait forever.
   */
  constructor(
    url: string,
    readonly options: ClusterRateLimiterOptions,
  ) {
    if (!(options.max >= 1) || !(options.windowMs >= 1))
      throw new RunbookError('E_CLUSTER_RATE_LIMIT', msg('cluster.rateLimit.badLimit', { max: options.max, windowMs: options.windowMs }), ExitCodes.CONFIG);
    this.key = options.key ?? DEFAULT_CLUSTER_RATE_LIMIT_KEY;
    this.unreachableMs = options.unreachableMs ?? 5000;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    const redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1000,
      connectTimeout: options.commandTimeoutMs ?? 1000,
      // Keep reconnecting while the node lives; the callers' own deadline is `unreachableMs`.
      retryStrategy: () => 200,
    });
    // Connection errors are the callers' business (they see them as rejected acquires); without a
    // listener ioredis would print each one.
    redis.on('error', () => undefined);
    redis.defineCommand('runbookRateLimit', { numberOfKeys: 4, lua: RATE_LIMIT_SCRIPT });
    this.redis = redis as LimitRedis;
  }

  /** Always false: every grant is a Redis round trip, so callers go through `acquire`. */
  tryAcquire(): boolean {
    return false;
  }

  /** Resolves when one more request may start, cluster-wide; rejects if Redis stays unreachable. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(aborted(signal));
    return new Promise<void>((resolve, reject) => {
      // An aborted caller leaves the line at once, not when the pump next wakes.
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(aborted(signal));
        // The last one gone: wake the pump, so this node leaves the line now rather than after its wait.
        if (this.waiters.length === 0) this.wake?.abort();
      };
      const waiter: Waiter = {
        resolve: () => (signal?.removeEventListener('abort', onAbort), resolve()),
        reject: (err) => (signal?.removeEventListener('abort', onAbort), reject(err)),
        signal,
        since: performance.now(),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      // Started on the next microtask: a burst handed over in one pass is asked for in one call.
      if (!this.pumping) {
        this.pumping = true;
        queueMicrotask(() => void this.pump());
      }
    });
  }

  /** Closes the connection; waiting callers are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    for (const w of this.waiters.splice(0)) w.reject(closedError());
    if (this.inLine) await this.ask(0).catch(() => undefined);
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** One loop per process asks Redis for as many grants as there are waiters, in their order. */
  private async pump(): Promise<void> {
    let unreachableSince: number | undefined;
    try {
      while (!this.closed) {
        if (this.waiters.length === 0) {
          // Nobody here waits any more: give the place in the line to the others.
          if (this.inLine) await this.ask(0).catch(() => undefined);
          return;
        }
        const want = Math.min(this.waiters.length, MAX_PER_CALL);
        let granted: number;
        let waitMs: number;
        try {
          [granted, waitMs] = await this.ask(want);
          unreachableSince = undefined;
        } catch (err) {
          const now = performance.now();
          unreachableSince ??= now;
          // Callers that have waited past the bound give up; the rest wait for the next try.
          for (let i = this.waiters.length - 1; i >= 0; i -= 1) {
            const w = this.waiters[i]!;
            if (now - Math.max(w.since, unreachableSince) >= this.unreachableMs) {
              this.waiters.splice(i, 1);
              w.reject(new ClusterRateLimitError(now - w.since, { cause: err }));
            }
          }
          await this.pause(100 + this.random() * 150);
          continue;
        }
        // Grants go to the first `granted` waiters still here (one aborted during the call has left);
        // a grant nobody is left to take goes unused — sending less, never more.
        for (const w of this.waiters.splice(0, granted)) w.resolve();
        if (granted < want) await this.pause(waitMs);
      }
    } finally {
      this.pumping = false;
      // A caller that arrived as the loop was ending is not left behind.
      if (this.waiters.length > 0 && !this.closed) {
        this.pumping = true;
        queueMicrotask(() => void this.pump());
      }
    }
  }

  /** One script call: up to `want` grants (0: leave the line). */
  private async ask(want: number): Promise<[number, number]> {
    this.calls += 1;
    const k = this.key;
    const keepMs = this.options.windowMs + 2000;
    const answer = await this.redis.runbookRateLimit(
      k,
      `${k}:line`,
      `${k}:wants`,
      `${k}:seen`,
      this.options.max,
      this.options.windowMs,
      want,
      `${this.id}:${this.calls}`,
      this.id,
      keepMs,
    );
    this.inLine = answer[0] < want;
    return answer;
  }

  /** The pump's waits, cut short by `close` or by the last waiter leaving. */
  private async pause(ms: number): Promise<void> {
    this.wake = new AbortController();
    try {
      await this.sleep(ms, AbortSignal.any([this.stopping.signal, this.wake.signal])).catch(() => undefined);
    } finally {
      this.wake = undefined;
    }
  }
}
