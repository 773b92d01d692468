import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import {
  AnswerTooLargeError,
  Credentials,
  DownloadError,
  outcomeOf,
  PolyvApiError,
  PolyvClient,
  RateLimiter,
  TransportError,
  type ClientEvent,
  type PolyvClientOptions,
} from '../../src/transport/index.js';
import { UsageError } from '../../src/core/errors.js';
import { scriptedServer, sendJson, type ScriptedServer } from '../helpers/transport-http.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const demo = (): Credentials => new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test');
const fastRetry = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4 };

function client(baseUrl: string, o: Partial<PolyvClientOptions> = {}): PolyvClient {
  const c = new PolyvClient({ credentials: demo(), baseUrl, limiter: new RateLimiter({ max: 10_000, windowMs: 1000 }), retry: fastRetry, ...o });
  open.push(c);
  return c;
}

async function sandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  const sb = await startSandbox({ channels: ['1000001'], ...o });
  open.push(sb);
  return sb;
}

async function scripted(handler: Parameters<typeof scriptedServer>[0]): Promise<ScriptedServer> {
  const s = await scriptedServer(handler);
  open.push(s);
  return s;
}

const count = (sb: Sandbox, endpoint: string): number => sb.log.filter((e) => e.endpoint === endpoint).length;

describe('platform replies documented elsewhere (issue 14.11)', () => {
  it('时间戳过期 (10003) is a refused timestamp: the clock is re-synced and the message goes once', async () => {
    // The sandbox's clock is 4 minutes ahead of this machine's, and it refuses as Polyv's CLI documents.
    const sb = await sandbox({ clockOffsetMs: 4 * 60_000, refusedTimestamp: 'zh' });
    const c = client(sb.url);
    await c.sendCustomMessage({ channelId: '1000001', content: 'hello' });
    expect(sb.log.map((e) => e.code)).toEqual([10003, 200]);
    expect(sb.platform.messages).toHaveLength(1);
  });

  it.each([403, 429, 503])('a rate limit as text with HTTP %i: a message is refused (failed, not resent), a read backs off and succeeds', async (status) => {
    const sb = await sandbox({ rateLimit: { max: 1, windowMs: 60_000, blockMs: 150, reply: { status, text: 'qps exceeds number of calls' } } });
    const c = client(sb.url, { retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 8 }, random: () => 1 });
    await c.getSpeakList({ userId: c.userId });
    const sendErr = await c.sendCustomMessage({ channelId: '1000001', content: 'x' }).catch((e: unknown) => e);
    expect(sendErr).toBeInstanceOf(PolyvApiError);
    expect(outcomeOf('sendCustomMessage', sendErr)).toBe('failed');
    expect(count(sb, 'sendCustomMessage')).toBe(1);
    await c.getSpeakList({ userId: c.userId });
    const reads = sb.log.filter((e) => e.endpoint === 'getSpeakList').map((e) => e.effect);
    expect(reads.at(-1)).toBe('applied');
    expect(reads.slice(1, -1)).toContain('rejected');
  });
});

describe('bounded answers (issue 19.2)', () => {
  it('an answer over the size limit is given up, not read whole, and a read is not retried for it', async () => {
    const big = JSON.stringify({ code: 200, status: 'success', message: '', data: { size: 1, cursor: 'c1', list: [{ id: 'x'.repeat(200_000) }] } });
    const gw = await scripted((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
      res.end(big);
    });
    const c = client(gw.url, { limits: { maxAnswerBytes: 64 * 1024 } });
    const err = await c.getSpeakList({ userId: c.userId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AnswerTooLargeError);
    expect((err as Error).message).toMatch(/larger than 65536 bytes/);
    expect(gw.hits).toHaveLength(1);
    expect(outcomeOf('sendCustomMessage', err)).toBe('ambiguous');
  });

  it('an answer that trickles in (a byte at a time, never stalling long) ends at the request deadline', async () => {
    const gw = await scripted((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    const c = client(gw.url, { limits: { requestDeadlineMs: 400 }, retry: { maxAttempts: 1 } });
    const t0 = performance.now();
    const err = await c.sendCustomMessage({ channelId: '1000001', content: 'x' }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).delivery).toBe('unknown');
    expect((err as Error).message).toMatch(/within 400 ms \(the request deadline\)/);
  });

  it('a download that trickles in ends at the download deadline', async () => {
    const srv = await scripted((_req, res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const c = client(srv.url, { limits: { downloadDeadlineMs: 400 } });
    const t0 = performance.now();
    const body = await c.download(`${srv.url}/slow.xls`);
    const err = await body.toArray().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe('one retry budget; URLs that are not http(s) (issue 19.5)', () => {
  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.com/x'])('%s is refused at once, never retried', async (url) => {
    const sb = await sandbox();
    const slept: number[] = [];
    const c = client(sb.url, { sleep: async (ms) => void slept.push(ms) });
    const err = await c.download(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toMatch(/only http\(s\) URLs/);
    expect(slept).toEqual([]);
  });

  it('a refused file host is retried within the same budget as API calls', async () => {
    const sb = await sandbox();
    const port = sb.port;
    await sb.close();
    open.splice(open.indexOf(sb), 1);
    const slept: number[] = [];
    const c = client(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, sleep: async (ms) => void slept.push(ms) });
    await expect(c.download(`http://127.0.0.1:${port}/files/x`)).rejects.toBeInstanceOf(DownloadError);
    expect(slept).toHaveLength(2);
  });
});

describe('Date headers that cannot be right (issue 19.13)', () => {
  it.each(['Mon, 01 Jan 1990 00:00:00 GMT', 'Fri, 01 Jan 2100 00:00:00 GMT'])('%s is ignored, and said so', async (date) => {
    const gw = await scripted((_req, res) => {
      res.sendDate = false;
      res.writeHead(200, { 'content-type': 'application/json', date });
      res.end(JSON.stringify({ code: 200, status: 'success', message: '', data: { size: 0, cursor: '', list: [] } }));
    });
    const events: ClientEvent[] = [];
    const c = client(gw.url, { onEvent: (e) => events.push(e) });
    await c.getSpeakList({ userId: c.userId });
    expect(c.clock.offset).toBe(0);
    expect(events).toContainEqual({ type: 'clock-ignored', date });
    // A plausible one still moves it.
    const gw2 = await scripted((_req, res) => sendJson(res, 200, { code: 200, status: 'success', message: '', data: { size: 0, cursor: '', list: [] } }));
    const c2 = client(gw2.url);
    await c2.getSpeakList({ userId: c2.userId });
    expect(c2.clock.isSynced).toBe(true);
  });
});

describe('endpoint URLs with credentials (issue 19.14)', () => {
  it('never prints the user name or password of an endpoint URL', async () => {
    const sb = await sandbox();
    const port = sb.port;
    await sb.close();
    open.splice(open.indexOf(sb), 1);
    const c = client(`http://alice:s3cr3t@127.0.0.1:${port}`, { retry: { maxAttempts: 1 } });
    const err = await c.sendCustomMessage({ channelId: '1000001', content: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(String(err)).not.toMatch(/alice|s3cr3t/);
    expect(String(err)).toContain('***@127.0.0.1');
    const dl = await c.download(`http://bob:hunter2@127.0.0.1:${port}/files/x?token=t`).catch((e: unknown) => e);
    expect(String(dl)).not.toMatch(/bob|hunter2|token/);
  });

  it('an endpoint that is not a URL is a usage error naming it (redacted)', () => {
    expect(() => new PolyvClient({ credentials: demo(), baseUrl: 'not a url' })).toThrow(UsageError);
    expect(() => new PolyvClient({ credentials: demo(), baseUrl: 'ftp://u:pw@host' })).toThrow(/ftp:\/\/\*\*\*@host/);
  });
});

describe('the chat export against a refused endpoint (issue 19.5)', () => {
  it('gives up within the one retry budget instead of polling until its 30-minute deadline', async () => {
    const { runChatExport } = await import('../../src/export/chat-export.js');
    const sb = await sandbox();
    const port = sb.port;
    await sb.close();
    open.splice(open.indexOf(sb), 1);
    const clientSleeps: number[] = [];
    const pollSleeps: number[] = [];
    const c = client(`http://127.0.0.1:${port}`, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, sleep: async (ms) => void clientSleeps.push(ms) });
    const err = await runChatExport(
      c,
      { channelId: '1000001', outDir: '/tmp', date: 'x', sleep: async (ms) => void pollSleeps.push(ms) },
      { load: () => undefined, save: async () => undefined },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).delivery).toBe('not-sent');
    expect(clientSleeps).toHaveLength(2); // the client's own retries
    expect(pollSleeps).toEqual([]); // and none on top of them
  });
});
