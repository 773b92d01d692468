import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/polyv/envelope.js';
import { polyvSign } from '../../src/polyv/sign.js';
import { encodeMessageContent, sendCustomMessageRequest, getSpeakListRequest, batchCheckinRequest } from '../../src/polyv/requests.js';
import { backoffDelay, classifyFailure } from '../../src/transport/classify.js';
import { PlatformClock, describeSkew } from '../../src/transport/clock.js';
import { loadCredentials } from '../../src/transport/credentials.js';
import { PolyvApiError, TransportError } from '../../src/transport/errors.js';
import { RateLimiter } from '../../src/transport/rate-limiter.js';

describe('envelopes', () => {
  it.each([
    ['v3 ok', 200, '{"code":200,"status":"success","message":"","data":{"a":1}}', { ok: true, data: { a: 1 } }],
    ['v4 ok', 200, '{"code":200,"status":"success","requestId":"r1","data":null,"success":true}', { ok: true, data: null, requestId: 'r1' }],
    [
      'v3 error with HTTP 200',
      200,
      '{"code":400,"status":"error","message":"application not found.","data":""}',
      { ok: false, httpStatus: 200, platformCode: 400, message: 'application not found.' },
    ],
    [
      'v4 error with HTTP 200',
      200,
      '{"code":400,"status":"error","requestId":"r2","error":{"code":1099,"desc":"签到失败: 序号为[0,2]"},"success":false}',
      { ok: false, platformCode: 1099, message: '签到失败: 序号为[0,2]', requestId: 'r2' },
    ],
    [
      'v3 403 signature',
      403,
      '{"code":403,"status":"error","message":"invalid signature.","data":""}',
      { ok: false, httpStatus: 403, platformCode: 403, message: 'invalid signature.' },
    ],
    ['HTML 502', 502, '<html><body>Bad Gateway</body></html>', { ok: false, httpStatus: 502, platformCode: 502 }],
    ['empty 500', 500, '', { ok: false, httpStatus: 500, message: 'HTTP 500 with an empty body' }],
    ['2xx with success:false', 200, '{"code":200,"status":"success","success":false}', { ok: false }],
  ])('%s', (_name, status, body, expected) => {
    expect(parseEnvelope(status, body)).toMatchObject(expected);
  });
});

describe('the retry classifier', () => {
  const api = (http: number, code: number, msg: string): PolyvApiError => new PolyvApiError('getSpeakList', http, code, msg, undefined);
  it.each([
    ['getSpeakList', new TransportError('getSpeakList', 'unknown', 'reset'), 'retry'],
    ['sendCustomMessage', new TransportError('sendCustomMessage', 'unknown', 'reset'), 'fail:ambiguous'],
    ['sendCustomMessage', new TransportError('sendCustomMessage', 'not-sent', 'refused'), 'retry'],
    ['batchCheckin', api(500, 500, 'oops'), 'fail:ambiguous'],
    ['exportSessionStats', api(502, 502, 'bad gateway'), 'retry'],
    ['getSpeakList', api(429, 429, 'too many'), 'retry'],
    ['sendCustomMessage', api(200, 400, '请求过于频繁'), 'fail:failed'],
    ['sendCustomMessage', api(400, 400, 'invalid timestamp.'), 'resync'],
    ['getSpeakList', api(403, 403, 'invalid signature.'), 'fail:failed'],
    ['sendCustomMessage', api(200, 20001, 'application not found.'), 'fail:failed'],
    ['createChatExportTask', new TransportError('createChatExportTask', 'unknown', 'timeout'), 'fail:ambiguous'],
    ['createChatExportTask', new TransportError('createChatExportTask', 'not-sent', 'ECONNREFUSED'), 'retry'],
    ['getSpeakList', new TransportError('getSpeakList', 'not-sent', 'ENOTFOUND'), 'retry'],
    ['getSpeakList', api(400, 403, 'invalid signature.'), 'fail:failed'],
    ['batchCheckin', api(200, 403, 'invalid signature.'), 'fail:failed'],
    ['exportSessionStats', api(200, 429, 'request too frequent, your IP is blocked for a while.'), 'retry'],
    ['batchCheckin', api(429, 429, ''), 'fail:failed'],
    ['getSpeakList', api(200, 400, 'Rate limit exceeded'), 'retry'],
    ['exportSessionStats', api(400, 400, 'Report is not ready yet, please try again later.'), 'fail:failed'],
    ['sendCustomMessage', api(502, 502, 'HTTP 502, not a JSON answer: <html>'), 'fail:ambiguous'],
    ['getSpeakList', api(400, 400, 'invalid timestamp.'), 'resync'],
    ['batchCheckin', api(200, 1099, '签到失败: 序号为[0]'), 'fail:failed'],
    ['getSpeakList', new Error('bug'), 'fail:failed'],
    ['sendCustomMessage', new Error('bug'), 'fail:ambiguous'],
  ] as const)('%s after %s → %s', (endpoint, err, expected) => {
    const v = classifyFailure(endpoint, err);
    expect(v.action === 'fail' ? `fail:${v.outcome}` : v.action).toBe(expected);
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(1, 100, 1000, () => 0.999)).toBe(199);
    expect(backoffDelay(3, 100, 1000, () => 0.999)).toBe(799);
    expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(500);
    expect(backoffDelay(2, 100, 1000, () => 0)).toBe(0);
  });
});

describe('the rate limiter', () => {
  it('admits at most max per window, in order, on an injected clock', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const limiter = new RateLimiter({ max: 3, windowMs: 1000, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) });
    const admitted: number[] = [];
    await Promise.all(Array.from({ length: 7 }, () => limiter.acquire().then(() => admitted.push(now))));
    expect(admitted).toEqual([0, 0, 0, 1001, 1001, 1001, 2002]);
  });

  it('takes a free slot synchronously, and never ahead of a caller already waiting', async () => {
    let now = 0;
    let wake: (() => void) | undefined;
    const limiter = new RateLimiter({ max: 2, windowMs: 1000, now: () => now, sleep: () => new Promise<void>((r) => (wake = r)) });
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
    const waiter = limiter.acquire();
    await new Promise((r) => setImmediate(r));
    now = 1001; // both slots are free again, but the waiter came first
    expect(limiter.tryAcquire()).toBe(false);
    wake!();
    await waiter;
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquire()).toBe(false);
  });

  it('lets an aborted waiter go without blocking the rest', async () => {
    const limiter = new RateLimiter({ max: 1, windowMs: 50 });
    await limiter.acquire();
    const ac = new AbortController();
    const aborted = limiter.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await expect(limiter.acquire()).resolves.toBeUndefined();
  });
});

describe('signing and request building', () => {
  it('signs Chinese text, numbers, and any key order the same way; drops empty values', () => {
    const a = polyvSign({ b: '课程', a: 12, c: '', d: undefined }, 's');
    const b = polyvSign({ a: '12', b: '课程' }, 's');
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9A-F]{32}$/);
    expect(polyvSign({ a: '12', b: '课程x' }, 's')).not.toBe(a);
  });

  it('puts message content, URL-safe base64, in the unsigned form body', () => {
    const r = sendCustomMessageRequest({ channelId: '1', content: '同学们?>', joinHistoryList: 0, watchType: 2 });
    expect(r.signedIn).toBe('query');
    expect(r.signed).toEqual({ channelId: '1', joinHistoryList: '0', watchType: '2' });
    expect(r.form).toEqual({ content: encodeMessageContent('同学们?>') });
    expect(r.form!['content']).not.toMatch(/[+/=]/);
    expect(Buffer.from(r.form!['content']!, 'base64url').toString('utf8')).toBe('同学们?>');
  });

  it('never sends an empty parameter', () => {
    expect(getSpeakListRequest({ userId: 'u', cursor: '' }).signed).toEqual({ userId: 'u' });
    expect(sendCustomMessageRequest({ channelId: '1', imgUrl: 'x', content: '' }).form).toEqual({ imgUrl: 'x' });
    expect(batchCheckinRequest([{ channelId: '12', message: '' }]).jsonBody).toBe('[{"channelId":12}]');
  });
});

describe('clock and credentials', () => {
  it('estimates the platform offset from Date headers without jitter', () => {
    let local = 1_000_000;
    const clock = new PlatformClock(() => local);
    clock.observe(new Date(local + 600_000).toUTCString(), local, local + 20);
    expect(Math.abs(clock.offset - 600_000)).toBeLessThan(1500);
    const first = clock.offset;
    local += 400;
    clock.observe(new Date(local + 600_000).toUTCString(), local, local + 20);
    expect(clock.offset).toBe(first);
    expect(describeSkew(-603_000)).toBe("this machine's clock is 10m 3s ahead of the platform's");
  });

  it('refuses a credentials file others may read, and names what to set when none exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-cred-'));
    const file = join(dir, 'credentials.yaml');
    writeFileSync(file, 'default:\n  appId: a\n  appSecret: s3cret-value\n  userId: u\n');
    chmodSync(file, 0o644);
    expect(() => loadCredentials({ env: {}, file })).toThrow(/chmod 600/);
    chmodSync(file, 0o600);
    expect(loadCredentials({ env: {}, file }).appId).toBe('a');
    expect(() => loadCredentials({ env: {}, file, profile: 'prod' })).toThrow(/no profile "prod"/);
    expect(() => loadCredentials({ env: { HOME: dir } })).toThrow(/POLYV_APP_ID, POLYV_APP_SECRET, POLYV_USER_ID/);
    const fromEnv = loadCredentials({ env: { POLYV_APP_ID: 'x', POLYV_APP_SECRET: 'y', POLYV_USER_ID: 'z' } });
    expect(fromEnv.source).toBe('environment');
    expect(JSON.stringify(fromEnv)).not.toContain('"y"');
  });
});

describe('the platform clock from Date headers (issue 14.10: never early)', () => {
  it('never puts the platform ahead of its real time, and narrows as answers come', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 200; trial += 1) {
      const trueOffset = Math.round((random() - 0.5) * 20 * 60_000);
      const clock = new PlatformClock();
      let local = 1_800_000_000_000 + Math.round(random() * 1e6);
      for (let answer = 0; answer < 20; answer += 1) {
        local += Math.round(random() * 3000);
        const rtt = Math.round(random() * 80);
        // The platform stamps its answer at some moment of the exchange, truncated to the second.
        const stampedAt = local + Math.round(random() * rtt) + trueOffset;
        clock.observe(new Date(Math.floor(stampedAt / 1000) * 1000).toUTCString(), local, local + rtt);
        // Never ahead, except within what one second's resolution cannot tell (then no offset at all).
        if (clock.offset !== 0) expect(clock.offset).toBeLessThanOrEqual(trueOffset);
        else expect(Math.abs(trueOffset)).toBeLessThan(1100);
      }
      if (Math.abs(trueOffset) >= 2000) expect(trueOffset - clock.offset).toBeLessThan(400);
    }
  });
});
