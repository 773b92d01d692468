import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials, PolyvClient, RateLimiter, PolyvApiError, TransportError, ClockSkewError } from '../../src/transport/index.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const demo = (): Credentials => new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test');
const fastRetry = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4 };

async function setup(opts: SandboxOptions = {}, client: Partial<ConstructorParameters<typeof PolyvClient>[0]> = {}): Promise<{ sb: Sandbox; c: PolyvClient }> {
  const sb = await startSandbox({ channels: ['1000001', '1000002'], ...opts });
  const c = new PolyvClient({ credentials: demo(), baseUrl: sb.url, limiter: new RateLimiter({ max: 10_000, windowMs: 1000 }), retry: fastRetry, ...client });
  open.push(sb, c);
  return { sb, c };
}

describe('PolyvClient against the sandbox', () => {
  it('sends a message whose decoded text arrives intact', async () => {
    const { sb, c } = await setup();
    await c.sendCustomMessage({ channelId: '1000001', content: '同学们,晚上好!Hello & <b>', joinHistoryList: 1, watchType: 2 });
    expect(sb.platform.messages).toHaveLength(1);
    expect(sb.platform.messages[0]).toMatchObject({ channelId: '1000001', text: '同学们,晚上好!Hello & <b>', watchType: 2, joinHistoryList: 1 });
  });

  it('registers check-ins and maps a 1099 rejection to a typed error with indices', async () => {
    const { sb, c } = await setup();
    const t = Date.now() + 60_000;
    await c.batchCheckin([{ channelId: '1000001', limitTime: 30, delayTime: t, message: 'a' }]);
    expect(sb.platform.checkins.get('1000001')).toHaveLength(1);
    const err = await c
      .batchCheckin([
        { channelId: '1000001', limitTime: 30, delayTime: t + 34_000 },
        { channelId: '1000002', limitTime: 30, delayTime: t },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolyvApiError);
    expect(err).toMatchObject({ platformCode: 1099, endpoint: 'batchCheckin' });
    expect((err as PolyvApiError).platformMessage).toContain('序号为[0]');
    expect(sb.platform.checkins.get('1000002')).toBeUndefined();
  });

  it('reports an unknown channel as 1097', async () => {
    const { c } = await setup();
    await expect(c.batchCheckin([{ channelId: '999', limitTime: 10 }])).rejects.toMatchObject({ platformCode: 1097 });
  });

  it('polls the chat export task from todo to done', async () => {
    const { c } = await setup({ exportSteps: 2 });
    expect((await c.createChatExportTask({ channelId: '1000001' })).status).toBe('todo');
    expect((await c.createChatExportTask({ channelId: '1000001' })).status).toBe('doing');
    const done = await c.createChatExportTask({ channelId: '1000001' });
    expect(done.status).toBe('done');
    expect(done.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
  });

  it('retries nothing on "report not ready" but surfaces it; then returns the URL', async () => {
    const { c } = await setup({ reportNotReadyCalls: 1 });
    await expect(c.exportSessionStats({ channelId: '1000001', sessionId: 's1' })).rejects.toMatchObject({
      platformMessage: expect.stringContaining('not ready'),
    });
    expect(await c.exportSessionStats({ channelId: '1000001', sessionId: 's1' })).toMatch(/\.xlsx$/);
  });

  it('pages the chat history by cursor without gaps', async () => {
    const { c } = await setup({ seedMessages: 25 });
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await c.getSpeakList({ userId: c.userId, size: 10, ...(cursor ? { cursor } : {}) });
      if (page.list.length === 0) break;
      ids.push(...page.list.map((r) => r.id));
      cursor = page.cursor;
    }
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
  });

  it('surfaces application not found (v4: 20001) and invalid signature', async () => {
    const { sb } = await setup();
    const wrongApp = new PolyvClient({ credentials: new Credentials('nope', 'x', 'u', 't'), baseUrl: sb.url, retry: fastRetry });
    open.push(wrongApp);
    await expect(wrongApp.sendCustomMessage({ channelId: '1000001', content: 'x' })).rejects.toMatchObject({ platformCode: 20001 });
    await expect(wrongApp.getSpeakList({ userId: 'u' })).rejects.toMatchObject({ platformMessage: 'application not found.' });
    const wrongSecret = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, 'wrong-secret', 'u', 't'), baseUrl: sb.url, retry: fastRetry });
    open.push(wrongSecret);
    const err = await wrongSecret.getSpeakList({ userId: 'u' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ httpStatus: 403, platformCode: 403, platformMessage: 'invalid signature.' });
    expect(sb.log.filter((e) => e.signOk === false)).toHaveLength(1);
  });

  it('corrects a 10-minute clock skew from the Date header', async () => {
    const { sb, c } = await setup({ clockOffsetMs: 10 * 60_000 });
    await c.sendCustomMessage({ channelId: '1000001', content: 'late clock' });
    expect(sb.platform.messages).toHaveLength(1);
    expect(Math.abs(c.clock.offset - 600_000)).toBeLessThan(2000);
    expect(sb.log.map((e) => e.message).filter(Boolean)).toContain('invalid timestamp.');
  });

  it('names the skew when re-synchronising does not help', async () => {
    const { sb } = await setup();
    const clock = { now: () => Date.now() - 3_600_000, observe: () => undefined, offset: -3_600_000, isSynced: true };
    const c = new PolyvClient({ credentials: demo(), baseUrl: sb.url, retry: fastRetry, clock: clock as never });
    open.push(c);
    const err = await c.getSpeakList({ userId: c.userId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClockSkewError);
    expect((err as Error).message).toMatch(/60m 0s ahead/);
  });

  it('retries a read after a 500, and never resends a message whose answer came too late', async () => {
    const { sb, c } = await setup(
      { faults: '5xx=1,endpoints=getSpeakList' },
      {
        // The backoff sleep is where the fault clears: the retry then succeeds.
        sleep: async () => sb.setFaults(''),
      },
    );
    await expect(c.getSpeakList({ userId: c.userId })).resolves.toBeDefined();
    expect(sb.log.filter((e) => e.endpoint === 'getSpeakList').map((e) => e.status)).toEqual([500, 200]);

    sb.setFaults('slow=1:2500,endpoints=sendCustomMessage');
    const slow = new PolyvClient({ credentials: demo(), baseUrl: sb.url, retry: fastRetry, requestTimeoutMs: 200 });
    open.push(slow);
    const err = await slow.sendCustomMessage({ channelId: '1000001', content: 'once' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).delivery).toBe('unknown');
    expect(sb.log.filter((e) => e.endpoint === 'sendCustomMessage')).toHaveLength(1);
    expect(sb.platform.messages).toHaveLength(1);
  });

  it('retries a message only when the connection was refused', async () => {
    const { sb } = await setup();
    const port = sb.port;
    await sb.close();
    open.splice(open.indexOf(sb), 1);
    const c = new PolyvClient({ credentials: demo(), baseUrl: `http://127.0.0.1:${port}`, retry: { ...fastRetry, maxAttempts: 2 } });
    open.push(c);
    const err = await c.sendCustomMessage({ channelId: '1', content: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ delivery: 'not-sent' });
  });

  it('paces requests through the limiter', async () => {
    const { sb } = await setup();
    const c = new PolyvClient({ credentials: demo(), baseUrl: sb.url, limiter: new RateLimiter({ max: 5, windowMs: 300 }) });
    open.push(c);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 12 }, () => c.getSpeakList({ userId: c.userId, size: 1 })));
    // 12 requests at 5 per 300 ms need at least two full windows.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(590);
    const times = sb.log.map((e) => e.receivedAt);
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(200); // sent 300 ms apart; arrival jitters on a loaded machine
  });

  it('never shows the secret: errors, inspect, JSON', async () => {
    const { c } = await setup();
    const secret = DEMO_CREDENTIALS.appSecret;
    const err = await c.batchCheckin([{ channelId: '999' }]).catch((e: unknown) => e);
    const texts = [String(err), JSON.stringify(err), inspect(err, { depth: 5 }), inspect(c, { depth: 5 }), JSON.stringify(demo()), String(demo())];
    for (const t of texts) expect(t).not.toContain(secret);
  });
});
