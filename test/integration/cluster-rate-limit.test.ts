import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterRateLimitError, ClusterRateLimiter, type ClusterRateLimiterOptions } from '../../src/cluster/rate-limit.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

/**
 * The cluster-wide limiter against a real redis-server: several limiters (as several nodes behind one
 * NAT address) share one window. Times are taken when `acquire` resolves, on this process's clock;
 * the limit is kept at Redis, so the windows checked here are a little narrower than the limit's to
 * allow for the hop between the grant and the caller.
 */
describe('ClusterRateLimiter (real Redis)', () => {
  let redis: RedisServer;
  const open: ClusterRateLimiter[] = [];
  let keys = 0;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const l of open) await l.close();
    await redis.close();
  });
  /** `n` limiters, each its own connection, sharing a fresh key. */
  const nodes = (n: number, o: Omit<ClusterRateLimiterOptions, 'key'>): ClusterRateLimiter[] => {
    const key = `test:rate:${(keys += 1)}`;
    const made = Array.from({ length: n }, () => new ClusterRateLimiter(redis.url, { ...o, key }));
    open.push(...made);
    return made;
  };
  /** The most grants inside any window of `ms` (sorted times). */
  const busiest = (times: number[], ms: number): number => {
    const t = [...times].sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; i < t.length; i += 1) {
      while (t[i]! - t[j]! >= ms) j += 1;
      most = Math.max(most, i - j + 1);
    }
    return most;
  };

  it('three nodes asking at once get exactly the limit between them, no more', async () => {
    const ls = nodes(3, { max: 20, windowMs: 1500 });
    const granted: number[] = [];
    const t0 = performance.now();
    const all = ls.flatMap((l, n) => Array.from({ length: 10 }, () => l.acquire().then(() => granted.push(n))));
    await new Promise((r) => setTimeout(r, 700));
    // Half a window in: the first window's 20, all of them, and not one more.
    expect(granted.length).toBe(20);
    await Promise.all(all);
    // The other 10 waited for the next window.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1500 - 50);
  });

  it('under steady demand from three nodes no window holds more than the limit, and the nodes take turns', async () => {
    const max = 15;
    const windowMs = 400;
    const ls = nodes(3, { max, windowMs });
    const grants: { n: number; at: number }[] = [];
    const start = performance.now();
    const end = start + 5000;
    // Each node keeps four requests waiting all the time, as a busy node does.
    await Promise.all(
      ls.flatMap((l, n) =>
        Array.from({ length: 4 }, async () => {
          while (performance.now() < end) {
            await l.acquire();
            grants.push({ n, at: performance.now() });
          }
        }),
      ),
    );
    expect(
      busiest(
        grants.map((g) => g.at),
        windowMs - 40,
      ),
    ).toBeLessThanOrEqual(max);
    // The limit is used, not just kept: twelve windows' worth, less the edges.
    expect(grants.length).toBeGreaterThanOrEqual(10 * max);
    // The first window goes to whoever asks first (nobody is refused yet, so nobody is in line);
    // from the first refusal on, the nodes take turns.
    const contended = grants.filter((g) => g.at >= start + windowMs);
    const share = [0, 1, 2].map((n) => contended.filter((g) => g.n === n).length / contended.length);
    for (const s of share) {
      expect(s).toBeGreaterThan(0.25);
      expect(s).toBeLessThan(0.42);
    }
  });

  it('within one node, callers are admitted in the order they asked', async () => {
    const [l] = nodes(1, { max: 3, windowMs: 300 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => l!.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('an aborted caller leaves at once and takes no grant', async () => {
    const [l] = nodes(1, { max: 1, windowMs: 1500 });
    await l!.acquire();
    const ac = new AbortController();
    const waiting = l!.acquire(ac.signal);
    setTimeout(() => ac.abort(new Error('stop')), 100);
    const t = performance.now();
    await expect(waiting).rejects.toThrow('stop');
    expect(performance.now() - t).toBeLessThan(1000);
    // The next window's one grant is still there.
    await l!.acquire();
  });

  it('with Redis down, nothing is granted: acquire gives up after unreachableMs; after Redis returns it grants again', async () => {
    const [l] = nodes(1, { max: 100, windowMs: 1000, unreachableMs: 800 });
    await l!.acquire();
    await redis.kill();
    try {
      const t = performance.now();
      const err = await l!.acquire().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ClusterRateLimitError);
      expect((err as ClusterRateLimitError).code).toBe('E_CLUSTER_RATE_LIMIT');
      expect((err as ClusterRateLimitError).message).toMatch(/Redis did not answer for .*not sent/);
      expect((err as ClusterRateLimitError).textIn('zh-CN')).toMatch(/Redis 已 .* 无应答，请求未发送/);
      expect(performance.now() - t).toBeGreaterThanOrEqual(700);
    } finally {
      await redis.restart();
    }
    await l!.acquire();
  });

  it('with Redis frozen (a partition: connected, no answers), nothing is granted until it answers again', async () => {
    const [l] = nodes(1, { max: 100, windowMs: 1000, unreachableMs: 10_000 });
    await l!.acquire();
    let grantedAt: number | undefined;
    const frozenAt = performance.now();
    const frozen = redis.pause(1500);
    await new Promise((r) => setTimeout(r, 50));
    const waiting = l!.acquire().then(() => (grantedAt = performance.now()));
    await frozen;
    const thawedAt = performance.now();
    await waiting;
    expect(grantedAt!).toBeGreaterThanOrEqual(thawedAt - 5);
    expect(grantedAt! - frozenAt).toBeGreaterThanOrEqual(1400);
  });

  it('a node that died in the line loses its place after a window and two seconds of silence', async () => {
    const key = `test:rate:ghost`;
    const raw = new Redis(redis.url);
    const [sec, usec] = (await raw.time()) as [number, number];
    const now = (Number(sec) * 1000 + Number(usec) / 1000).toFixed(3);
    // A node that was refused and then vanished without leaving: it is owed 100 grants.
    await raw.zadd(`${key}:line`, now, 'ghost');
    await raw.hset(`${key}:wants`, 'ghost', '100');
    await raw.zadd(`${key}:seen`, now, 'ghost');
    raw.disconnect();
    const l = new ClusterRateLimiter(redis.url, { max: 5, windowMs: 300, key });
    open.push(l);
    const t = performance.now();
    await l.acquire();
    const waited = performance.now() - t;
    expect(waited).toBeGreaterThanOrEqual(2000);
    expect(waited).toBeLessThan(5000);
  });

  it('a node that stops waiting leaves the line at once', async () => {
    const [a, b] = nodes(2, { max: 2, windowMs: 1000 });
    await Promise.all([a!.acquire(), a!.acquire()]);
    // b is refused and queues for 50 grants, then gives up on all of them.
    const ac = new AbortController();
    const queued = Array.from({ length: 50 }, () => b!.acquire(ac.signal).catch(() => 'aborted'));
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    expect(new Set(await Promise.all(queued))).toEqual(new Set(['aborted']));
    // a is not held behind b's 50 until b's place runs out (3 s): it is served as the window frees.
    const t = performance.now();
    await a!.acquire();
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('rejects a limit that admits nothing', () => {
    expect(() => new ClusterRateLimiter(redis.url, { max: 0, windowMs: 1000 })).toThrow(/at least 1 request/);
  });
});
