import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import {
  classifyFailure,
  ClockSkewError,
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
import { scriptedServer, sendJson, type ScriptedServer } from '../helpers/transport-http.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const SECRET = DEMO_CREDENTIALS.appSecret;
const SIGN_SHAPE = /[0-9A-F]{32}/;
const demo = (): Credentials => new Credentials(DEMO_CREDENTIALS.appId, SECRET, DEMO_CREDENTIALS.userId, 'test');
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

describe('signature errors, whatever their HTTP status', () => {
  it.each([403, 400, 200] as const)('HTTP %i: a typed error, never retried', async (status) => {
    const sb = await sandbox({ signatureErrorHttpStatus: status });
    const c = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, 'wrong', 'u', 't'), baseUrl: sb.url, retry: fastRetry });
    open.push(c);
    const err = await c.getSpeakList({ userId: 'u' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolyvApiError);
    expect(err).toMatchObject({ httpStatus: status, platformCode: 403, platformMessage: 'invalid signature.', endpoint: 'getSpeakList' });
    expect(count(sb, 'getSpeakList')).toBe(1);
  });
});

describe("the platform's rate limit, both undocumented replies", () => {
  it.each(['http429', 'http200'] as const)('%s: a read waits out the block and succeeds; a message is not resent and counts as not applied', async (reply) => {
    const sb = await sandbox({ rateLimit: { max: 1, windowMs: 60_000, blockMs: 150, reply } });
    // Real sleeps, deterministic: 100, 200, 200… ms.
    const c = client(sb.url, { retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 8 }, random: () => 1 });
    await c.getSpeakList({ userId: c.userId });
    const sendErr = await c.sendCustomMessage({ channelId: '1000001', content: 'x' }).catch((e: unknown) => e);
    expect(sendErr).toBeInstanceOf(PolyvApiError);
    expect(sendErr).toMatchObject({ platformCode: 429, httpStatus: reply === 'http429' ? 429 : 200 });
    expect(outcomeOf('sendCustomMessage', sendErr)).toBe('failed');
    expect(count(sb, 'sendCustomMessage')).toBe(1);
    expect(sb.platform.messages).toHaveLength(0);

    const page = await c.getSpeakList({ userId: c.userId });
    expect(page.list).toEqual([]);
    const reads = sb.log.filter((e) => e.endpoint === 'getSpeakList').map((e) => e.effect);
    expect(reads[0]).toBe('applied');
    expect(reads.at(-1)).toBe('applied');
    expect(reads.slice(1, -1)).toContain('rejected');
  });
});

describe('failures after the request was written', () => {
  it('a dropped connection after a message was applied is "unknown" and the message is not resent', async () => {
    const sb = await sandbox({ faults: 'reset-after=1,endpoints=sendCustomMessage' });
    const c = client(sb.url);
    const err = await c.sendCustomMessage({ channelId: '1000001', content: 'once' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ delivery: 'unknown', endpoint: 'sendCustomMessage' });
    expect(outcomeOf('sendCustomMessage', err)).toBe('ambiguous');
    expect(count(sb, 'sendCustomMessage')).toBe(1);
    expect(sb.platform.messages).toHaveLength(1);
  });

  it('a dropped connection on a read is retried', async () => {
    const sb = await sandbox({ faults: 'reset-before=1,endpoints=getSpeakList' });
    const c = client(sb.url, { sleep: async () => sb.setFaults('') });
    await expect(c.getSpeakList({ userId: c.userId })).resolves.toMatchObject({ list: [] });
    expect(sb.log.filter((e) => e.endpoint === 'getSpeakList').map((e) => e.effect)).toEqual(['fault', 'applied']);
  });

  it('a check-in batch after a 500 is not resent (the gateway may have applied it)', async () => {
    const sb = await sandbox({ faults: '5xx=1,endpoints=batchCheckin' });
    const c = client(sb.url);
    const err = await c.batchCheckin([{ channelId: '1000001', limitTime: 10 }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ httpStatus: 500 });
    expect(classifyFailure('batchCheckin', err)).toMatchObject({ action: 'fail', outcome: 'ambiguous' });
    expect(count(sb, 'batchCheckin')).toBe(1);
  });
});

describe('answers that are not JSON', () => {
  it('an HTML 502 page: a read is retried, a message is not', async () => {
    const gw = await scripted((req, res, hit) => {
      if (req.url!.startsWith('/live/v3/user/chat/get-speak-list') && hit > 1)
        return sendJson(res, 200, { code: 200, status: 'success', message: '', data: { size: 0, cursor: '', list: [] } });
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
    });
    const c = client(gw.url);
    await expect(c.getSpeakList({ userId: c.userId })).resolves.toMatchObject({ list: [] });
    expect(gw.hits).toHaveLength(2);
    const err = await c.sendCustomMessage({ channelId: '1', content: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolyvApiError);
    expect(err).toMatchObject({ httpStatus: 502, platformCode: 502, endpoint: 'sendCustomMessage' });
    expect((err as PolyvApiError).platformMessage).toContain('502 Bad Gateway');
    expect(gw.hits).toHaveLength(3);
  });

  it('a read that keeps failing stops at the attempt budget', async () => {
    const gw = await scripted((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const c = client(gw.url, { retry: { ...fastRetry, maxAttempts: 3 } });
    await expect(c.exportSessionStats({ channelId: '1', sessionId: 's' })).rejects.toMatchObject({ httpStatus: 503 });
    expect(gw.hits).toHaveLength(3);
  });
});

describe('the retry budget', () => {
  it('does not start a retry whose wait would pass the time budget; waits are recorded, not slept', async () => {
    const gw = await scripted((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const sleeps: number[] = [];
    const c = client(gw.url, {
      retry: { baseDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 10, maxElapsedMs: 250 },
      random: () => 1,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await expect(c.getSpeakList({ userId: c.userId })).rejects.toMatchObject({ httpStatus: 500 });
    expect(sleeps).toEqual([200]);
    expect(gw.hits).toHaveLength(2);
  });

  it('signs every attempt afresh', async () => {
    const gw = await scripted((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    let t = 1_700_000_000_000;
    const clock = { now: () => (t += 1000), observe: () => undefined, offset: 0, isSynced: true };
    const c = client(gw.url, { clock: clock as never, retry: { ...fastRetry, maxAttempts: 3 } });
    await expect(c.getSpeakList({ userId: c.userId })).rejects.toMatchObject({ httpStatus: 503 });
    const sent = gw.hits.map((h) => new URL(h, 'http://x').searchParams);
    expect(new Set(sent.map((q) => q.get('timestamp'))).size).toBe(3);
    expect(new Set(sent.map((q) => q.get('sign'))).size).toBe(3);
  });
});

describe('the clock', () => {
  it('re-syncs once on "invalid timestamp."; without a Date header it says the skew could not be measured', async () => {
    const gw = await scripted((_req, res) => {
      res.sendDate = false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 400, status: 'error', message: 'invalid timestamp.', data: '' }));
    });
    const c = client(gw.url);
    const err = await c.getSpeakList({ userId: c.userId }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClockSkewError);
    expect((err as ClockSkewError).code).toBe('E_CLOCK');
    expect((err as Error).message).toMatch(/could not be measured/);
    expect(gw.hits).toHaveLength(2);
  });
});

describe('AbortSignal', () => {
  it('a call waiting for the limiter is abandoned, unsent', async () => {
    const sb = await sandbox();
    const c = client(sb.url, { limiter: new RateLimiter({ max: 1, windowMs: 60_000 }) });
    await c.getSpeakList({ userId: c.userId });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('operator stop')), 30);
    const err = await c.sendCustomMessage({ channelId: '1000001', content: 'x' }, { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toMatchObject({ delivery: 'not-sent' });
    expect(count(sb, 'sendCustomMessage')).toBe(0);
  });

  it('a call in flight is abandoned at once and not retried', async () => {
    const sb = await sandbox({ faults: 'slow=1:3000,endpoints=getSpeakList' });
    const c = client(sb.url);
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 50);
    const err = await c.getSpeakList({ userId: c.userId }, { signal: ac.signal }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(err).toBeInstanceOf(TransportError);
    expect(count(sb, 'getSpeakList')).toBe(1);
  });
});

describe('download', () => {
  it("streams a file the platform points to (the chat export's URL)", async () => {
    const sb = await sandbox({ exportSteps: 0 });
    const c = client(sb.url);
    const task = await c.createChatExportTask({ channelId: '1000001' });
    expect(task.status).toBe('done');
    const chunks: Buffer[] = [];
    for await (const chunk of await c.download(task.url!)) chunks.push(chunk as Buffer);
    const served = sb.platform.files.get(new URL(task.url!).pathname);
    expect(served).toBeDefined();
    expect(Buffer.concat(chunks).equals(served!)).toBe(true);
  });

  it('follows a few redirects, refuses an endless chain, and types its errors', async () => {
    const srv = await scripted((req, res) => {
      const m = /^\/hop\/(\d+)/.exec(req.url!);
      if (m) {
        const n = Number(m[1]);
        res.writeHead(302, { location: n >= 2 && !req.url!.includes('loop') ? '/file.xlsx' : `/hop/${n + 1}${req.url!.includes('loop') ? '?loop' : ''}` });
        return res.end();
      }
      if (req.url === '/file.xlsx') return res.end('xlsx-bytes');
      res.writeHead(404);
      res.end('no');
    });
    const c = client(srv.url);
    const body = await c.download(`${srv.url}/hop/0`);
    expect(await body.toArray().then((a) => Buffer.concat(a).toString())).toBe('xlsx-bytes');

    srv.hits.length = 0;
    const loop = await c.download(`${srv.url}/hop/0?loop`).catch((e: unknown) => e);
    expect(loop).toBeInstanceOf(DownloadError);
    expect((loop as DownloadError).message).toMatch(/redirect/);
    expect(srv.hits.length).toBeLessThanOrEqual(7);

    srv.hits.length = 0;
    await expect(c.download(`${srv.url}/missing?token=t0ken`)).rejects.toMatchObject({ httpStatus: 404, url: `${srv.url}/missing` });
    expect(srv.hits).toHaveLength(1);
  });

  it('retries a download after a 5xx', async () => {
    const srv = await scripted((_req, res, hit) => {
      res.writeHead(hit === 1 ? 503 : 200);
      res.end(hit === 1 ? '' : 'ok');
    });
    const c = client(srv.url);
    const body = await c.download(`${srv.url}/f`);
    expect(Buffer.concat(await body.toArray()).toString()).toBe('ok');
    expect(srv.hits).toHaveLength(2);
  });
});

describe('the secret and the signature never show', () => {
  it('in debug events, errors (with their causes) and the client', async () => {
    const sb = await sandbox({ faults: '5xx=1,endpoints=getSpeakList' });
    const events: ClientEvent[] = [];
    const c = client(sb.url, {
      onEvent: (e) => events.push(e),
      sleep: async () => sb.setFaults('slow=1:1000,endpoints=sendCustomMessage'),
      requestTimeoutMs: 100,
    });
    await c.getSpeakList({ userId: c.userId });
    const timeout = await c.sendCustomMessage({ channelId: '1000001', content: 'x' }).catch((e: unknown) => e);
    const refused = await c.batchCheckin([{ channelId: '42' }]).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(TransportError);
    expect(refused).toBeInstanceOf(PolyvApiError);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['request', 'response', 'retry']));
    const texts = [
      JSON.stringify(events),
      inspect(events, { depth: 10 }),
      ...[timeout, refused].flatMap((e) => [String(e), JSON.stringify(e), inspect(e, { depth: 10 }), (e as Error).stack ?? '']),
      inspect(c, { depth: 10, showHidden: true }),
      JSON.stringify(c),
    ];
    for (const t of texts) {
      expect(t).not.toContain(SECRET);
      expect(t).not.toMatch(SIGN_SHAPE);
    }
  });
});
