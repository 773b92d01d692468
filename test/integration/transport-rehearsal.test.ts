import { afterEach, describe, expect, it } from 'vitest';
import { Credentials, PolyvClient, RateLimiter } from '../../src/transport/index.js';
import { rehearse } from '../../src/transport/rehearsal.js';
import { sendCustomMessageRequest } from '../../src/polyv/index.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const channels = ['1000001', '1000002', '1000003'];
const message = (channelId: string, content: string) => sendCustomMessageRequest({ channelId, content, joinHistoryList: 1, watchType: 1 });
const burst = Array.from({ length: 60 }, (_, i) => message(channels[i % 3]!, `rehearsed ${i}`));

async function setup(limiter: RateLimiter): Promise<{ sb: Sandbox; c: PolyvClient }> {
  const sb = await startSandbox({ channels });
  const c = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test'), baseUrl: sb.url, limiter, requestTimeoutMs: 2000 });
  open.push(sb, c);
  return { sb, c };
}

describe('a rehearsal of the first burst', () => {
  it('never reaches the platform, and leaves its rate limit and clock alone', async () => {
    const limiter = new RateLimiter({ max: 3, windowMs: 60_000 });
    const { sb, c } = await setup(limiter);
    await c.rehearse(burst);
    expect(sb.log).toHaveLength(0);
    expect(sb.connections).toBe(0);
    expect(c.clock.isSynced).toBe(false);
    // All three slots of the real limiter are still free: the rehearsal had its own.
    expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([true, true, true, false]);
  });

  it('leaves the client working: a real call afterwards is signed with the account and applied', async () => {
    const { sb, c } = await setup(new RateLimiter({ max: 100, windowMs: 1000 }));
    await c.rehearse(burst);
    await c.send(c.prepare(message('1000002', 'the real one')));
    expect(sb.platform.messages.map((m) => m.text)).toEqual(['the real one']);
    expect(sb.log.map((e) => [e.signOk, e.effect])).toEqual([[true, 'applied']]);
  });

  it('sends every call to the stand-in, signed with throwaway credentials, answered with success', async () => {
    let used: Credentials | undefined;
    const answered: unknown[] = [];
    await rehearse(
      burst,
      (baseUrl, credentials, limiter) => {
        used = credentials;
        expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const client = new PolyvClient({ credentials, baseUrl, limiter, retry: { maxAttempts: 1 } });
        const stage = client.stage.bind(client);
        client.stage = (p, o) => {
          const staged = stage(p, o);
          return {
            send: async () => {
              const data = await staged.send();
              answered.push(data);
              return data;
            },
            cancel: () => staged.cancel(),
          };
        };
        return client;
      },
      { rounds: 2 },
    );
    expect(used?.appId).toBe('rehearsal');
    expect(used?.revealSecretForLeakTests()).not.toBe(DEMO_CREDENTIALS.appSecret);
    expect(answered).toHaveLength(burst.length * 2);
    expect(answered.every((d) => d === '')).toBe(true);
  });

  it('stops when its signal fires, without throwing', async () => {
    const started = Date.now();
    await rehearse(burst, (baseUrl, credentials, limiter) => new PolyvClient({ credentials, baseUrl, limiter }), { rounds: 1000, signal: AbortSignal.timeout(100) });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
