import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { findRedisServer, ping, startRedisServer, type RedisServer } from '../helpers/redis-server.js';

/** The test helper that the cluster tests stand on: a real redis-server, started, broken and restarted. */
describe('test/helpers/redis-server', () => {
  const servers: RedisServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (persist = false): Promise<RedisServer> => {
    const s = await startRedisServer({ persist });
    servers.push(s);
    return s;
  };
  const client = (url: string): Redis => new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });

  it('starts on a free loopback port without persistence and answers commands', async () => {
    const s = await start();
    expect(s.url).toBe(`redis://127.0.0.1:${s.port}`);
    const r = client(s.url);
    await r.connect();
    await r.set('k', 'v');
    expect(await r.get('k')).toBe('v');
    expect(await r.config('GET', 'save')).toEqual(['save', '']);
    expect(await r.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    expect(await r.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    r.disconnect();
  });

  it('two servers get two ports', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a!.port).not.toBe(b!.port);
    expect(await ping(a!.port)).toBe(true);
    expect(await ping(b!.port)).toBe(true);
  });

  it('kill is a SIGKILL outage; restart comes back on the same port (empty without persistence)', async () => {
    const s = await start();
    const r = client(s.url);
    await r.connect();
    await r.set('k', 'v');
    r.disconnect();
    await s.kill();
    expect(s.running).toBe(false);
    expect(await ping(s.port)).toBe(false);
    await s.restart();
    expect(s.running).toBe(true);
    const r2 = client(s.url);
    await r2.connect();
    expect(await r2.get('k')).toBeNull();
    r2.disconnect();
  });

  it('with persist, the data survives kill -9 and restart', async () => {
    const s = await start(true);
    const r = client(s.url);
    await r.connect();
    await r.set('k', 'kept');
    r.disconnect();
    await s.kill();
    await s.restart();
    const r2 = client(s.url);
    await r2.connect();
    expect(await r2.get('k')).toBe('kept');
    r2.disconnect();
  });

  it('pause leaves connections open but unanswered, then answers again', async () => {
    const s = await start();
    const paused = s.pause(1500);
    await new Promise((r) => setTimeout(r, 100));
    expect(await ping(s.port, 500)).toBe(false);
    await paused;
    expect(await ping(s.port, 2000)).toBe(true);
  });

  it('a missing redis-server is a clear failure that says what to install', () => {
    expect(() => findRedisServer({ PATH: '/nonexistent' }, [])).toThrow(/install Debian's redis-server/);
    expect(findRedisServer({ PATH: '/nonexistent' })).toBe('/usr/bin/redis-server');
  });

  it('stop then restart', async () => {
    const s = await start();
    await s.stop();
    expect(await ping(s.port)).toBe(false);
    await s.restart();
    expect(await ping(s.port)).toBe(true);
  });
});
