import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterRateLimiter } from '../../src/cluster/rate-limit.js';
import { DEMO_CREDENTIALS, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { Credentials, PolyvClient, TransportError } from '../../src/transport/index.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';

/**
 * The real client paced by the cluster-wide limiter, against the sandbox: two clients (two nodes
 * behind one address) sharing one limit in a real Redis. The sandbox's receive times are what the
 * platform would count.
 */
describe('PolyvClient with the cluster-wide limiter (real Redis, the sandbox)', () => {
  let redis: RedisServer;
  let sb: Sandbox;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    sb = await startSandbox({ channels: ['1000001'] });
  });
  afterAll(async () => {
    for (const o of open.reverse()) await o.close();
    await sb.close();
    await redis.close();
  });
  const credentials = (): Credentials => new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test');
  const node = (key: string, max: number, windowMs: number, unreachableMs = 5000): PolyvClient => {
    const limiter = new ClusterRateLimiter(redis.url, { key, max, windowMs, unreachableMs });
    const client = new PolyvClient({ credentials: credentials(), baseUrl: sb.url, limiter, retry: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 2 } });
    open.push(limiter, client);
    return client;
  };

  it('two clients sharing a limit: every message arrives, and no window at the platform holds more than the limit', async () => {
    const [a, b] = [node('client-test', 5, 1000), node('client-test', 5, 1000)];
    // Warm: each client's first call opens its connection (slow on a loaded machine), then a window passes.
    await Promise.all([a!, b!].map((c) => c.sendCustomMessage({ channelId: '1000001', content: 'warm', joinHistoryList: 1, watchType: 2 })));
    await new Promise((r) => setTimeout(r, 1100));
    const from = sb.log.length;
    const sends = [a!, b!].flatMap((c, n) =>
      Array.from({ length: 8 }, (_, i) => c.sendCustomMessage({ channelId: '1000001', content: `node ${n} message ${i}`, joinHistoryList: 1, watchType: 2 })),
    );
    await Promise.all(sends);
    const received = sb.log
      .slice(from)
      .filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied')
      .map((e) => e.receivedAt);
    expect(received).toHaveLength(16);
    received.sort((x, y) => x - y);
    // 16 requests at 5 per second need at least three full windows after the first five.
    expect(received[15]! - received[0]!).toBeGreaterThanOrEqual(3 * 1000 - 200);
    // Grants are a window apart at Redis; at the sandbox, the hop from grant to arrival (the client's
    // event loop, the HTTP exchange, a loaded machine) moves them by up to a few tens of ms — the
    // reason the client paces at 80 % of the platform's limit. Two grants of one slot would arrive
    // together, not 800 ms apart.
    for (let i = 5; i < received.length; i += 1) expect(received[i]! - received[i - 5]!).toBeGreaterThanOrEqual(800);
  });

  it('with Redis down, a send is not sent: the client reports it as never having reached the platform', async () => {
    const c = node('client-down', 100, 1000, 300);
    const before = sb.log.length;
    await redis.kill();
    try {
      const err = await c.sendCustomMessage({ channelId: '1000001', content: 'never sent', joinHistoryList: 1, watchType: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).delivery).toBe('not-sent');
      expect(sb.log.length).toBe(before);
    } finally {
      await redis.restart();
    }
  });
});
