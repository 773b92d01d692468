import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { polyvSign } from '../../src/polyv/sign.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const { appId, appSecret, userId } = DEMO_CREDENTIALS;

async function get(
  path: string,
  params: Record<string, string>,
  tamper?: (q: Record<string, string>) => void,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const q = { appId, timestamp: String(Date.now()), ...params };
  const signed = { ...q, sign: polyvSign(q, appSecret) };
  tamper?.(signed);
  const res = await request(`${sb!.url}${path}?${new URLSearchParams(signed)}`);
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function start(o: SandboxOptions = {}): Promise<void> {
  sb = await startSandbox({ channels: ['1000001'], seedMessages: 20, ...o });
}

const LIST = '/live/v3/user/chat/get-speak-list';

describe('sandbox: authentication, as documented', () => {
  it('rejects the request when any single signed parameter changes after signing', async () => {
    await start();
    const params = { userId, size: '5', startTime: '1', endTime: String(Date.now() + 1e9) };
    expect((await get(LIST, params)).body['code']).toBe(200);
    for (const key of [...Object.keys(params), 'appId', 'timestamp']) {
      const r = await get(LIST, params, (q) => {
        q[key] = key === 'appId' ? appId : key === 'timestamp' ? String(Number(q[key]) + 1) : `${q[key]}1`;
        if (key === 'appId') q['extra'] = 'x';
      });
      expect(r.body, key).toMatchObject({ code: 403, message: 'invalid signature.' });
    }
  });

  it('answers a missing appId, an unknown appId and a stale timestamp with the documented messages', async () => {
    await start();
    expect((await get(LIST, { userId }, (q) => delete q['appId'])).body).toMatchObject({ code: 400, message: 'appId is required.' });
    expect((await get(LIST, { userId }, (q) => (q['appId'] = 'nope'))).body).toMatchObject({ message: 'application not found.' });
    const stale = await get(LIST, { userId }, (q) => {
      q['timestamp'] = String(Date.now() - 4 * 60_000);
      q['sign'] = polyvSign({ appId, userId, timestamp: q['timestamp'] }, appSecret);
    });
    expect(stale.body).toMatchObject({ code: 400, message: 'invalid timestamp.' });
  });

  it('refuses an empty parameter by default, or drops it when configured to', async () => {
    await start();
    expect((await get(LIST, { userId, cursor: '' })).body).toMatchObject({ code: 400, message: 'empty parameter: cursor' });
    await sb!.close();
    await start({ emptyParams: 'ignore' });
    expect((await get(LIST, { userId, cursor: '' })).body['code']).toBe(200);
  });

  it('can answer a signature error with HTTP 403, 400 or 200', async () => {
    for (const status of [403, 400, 200] as const) {
      await start({ signatureErrorHttpStatus: status });
      const r = await get(LIST, { userId }, (q) => (q['sign'] = 'X'));
      expect(r.status).toBe(status);
      expect(r.body['message']).toBe('invalid signature.');
      await sb!.close();
      sb = undefined;
    }
  });
});

describe('sandbox: the rate limit', () => {
  it('blocks an IP past the limit, for the block time, with the configured reply', async () => {
    await start({ rateLimit: { max: 5, windowMs: 1000, blockMs: 300, reply: 'http429' } });
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await get(LIST, { userId })).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429, 429]);
    await new Promise((r) => setTimeout(r, 350));
    expect((await get(LIST, { userId })).status).toBe(200);
    await sb!.close();
    await start({ rateLimit: { max: 1, windowMs: 1000, blockMs: 300, reply: 'http200' } });
    await get(LIST, { userId });
    const r = await get(LIST, { userId });
    expect(r.status).toBe(200);
    expect(r.body['code']).toBe(429);
  });
});

describe('sandbox: paging', () => {
  it('never skips or repeats a record while new messages arrive between pages', async () => {
    await start({ seedMessages: 25, seedStartMs: Date.now() - 60_000, seedSpacingMs: 100 });
    const ids: string[] = [];
    let cursor: string | undefined;
    let sent = 0;
    for (;;) {
      const r = await get(LIST, { userId, size: '7', ...(cursor ? { cursor } : {}) });
      const data = r.body['data'] as { cursor: string; list: { id: string }[] };
      if (data.list.length === 0) break;
      ids.push(...data.list.map((x) => x.id));
      cursor = data.cursor;
      if (sent < 3) {
        sb!.platform.sendCustomMessage({ channelId: '1000001' }, { content: Buffer.from(`new ${sent}`).toString('base64url') }, Date.now());
        sent += 1;
      }
    }
    expect(ids).toHaveLength(28);
    expect(new Set(ids).size).toBe(28);
  });
});
