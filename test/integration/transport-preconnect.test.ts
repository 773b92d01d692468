import { afterEach, describe, expect, it } from 'vitest';
import { Credentials, PolyvClient, RateLimiter } from '../../src/transport/index.js';
import { sendCustomMessageRequest } from '../../src/polyv/index.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function setup(): Promise<{ sb: Sandbox; c: PolyvClient }> {
  const sb = await startSandbox({ channels: ['1000001', '1000002', '1000003'] });
  // A short answer timeout: a call that sat unwritten on a handed-over socket would fail the test.
  const c = new PolyvClient({
    credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test'),
    baseUrl: sb.url,
    limiter: new RateLimiter({ max: 1000, windowMs: 1000 }),
    requestTimeoutMs: 2000,
  });
  open.push(sb, c);
  return { sb, c };
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const message = (channelId: string, content: string) => sendCustomMessageRequest({ channelId, content, joinHistoryList: 1, watchType: 1 });

describe('connections opened ahead of a burst', () => {
  it('opens them without sending any request', async () => {
    const { sb, c } = await setup();
    c.prepareBurst(['1000001', '1000002', '1000003'].map((ch) => message(ch, 'x')));
    await until(() => sb.connections === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(sb.log).toHaveLength(0);
  });

  it('carries the calls of the burst, on those very connections', async () => {
    const { sb, c } = await setup();
    const burst = ['1000001', '1000002', '1000003'].map((ch) => message(ch, `hello ${ch}`));
    c.prepareBurst(burst);
    await until(() => sb.connections === 3);
    const started = Date.now();
    await Promise.all(burst.map((req) => c.send(req)));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(sb.connections).toBe(3);
    expect(sb.platform.messages.map((m) => m.text).sort()).toEqual(['hello 1000001', 'hello 1000002', 'hello 1000003']);
    expect(sb.log.every((e) => e.signOk === true && e.effect === 'applied')).toBe(true);
  }, 10_000);

  it('counts idle connections already in the pool instead of opening more', async () => {
    const { sb, c } = await setup();
    await Promise.all(['1000001', '1000002'].map((ch) => c.send(message(ch, 'first'))));
    await until(() => sb.connections === 2);
    c.prepareBurst(['1000001', '1000002', '1000003'].map((ch) => message(ch, 'second')));
    await until(() => sb.connections === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(sb.connections).toBe(3);
  });
});
