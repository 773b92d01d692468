import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatExportTaskRequest, getSpeakListRequest, sendCustomMessageRequest, type ApiRequest } from '../../src/polyv/requests.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';
import { Credentials } from '../../src/transport/credentials.js';
import { buildHttpRequest, type HttpRequest } from '../../src/transport/http-request.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const creds = new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test');

async function send(w: HttpRequest): Promise<{ code: unknown; message: unknown }> {
  const res = await request(w.url, { method: w.method, headers: w.headers, body: w.body });
  const body = (await res.body.json()) as Record<string, unknown>;
  const err = body['error'] as { desc?: string } | undefined;
  return { code: body['code'], message: err?.desc ?? body['message'] };
}

/** Changes one parameter of the signed set after signing, wherever it travels. */
function tamper(w: HttpRequest, key: string): HttpRequest {
  const url = new URL(w.url);
  const change = (v: string): string => (key === 'timestamp' ? String(Number(v) + 1) : `${v}9`);
  if (url.searchParams.has(key)) {
    url.searchParams.set(key, change(url.searchParams.get(key)!));
    return { ...w, url: url.toString() };
  }
  const form = new URLSearchParams(w.body);
  form.set(key, change(form.get(key)!));
  return { ...w, body: form.toString() };
}

function signedKeys(w: HttpRequest): string[] {
  const url = new URL(w.url);
  const set = url.searchParams.has('sign') ? url.searchParams : new URLSearchParams(w.body);
  return [...set.keys()].filter((k) => k !== 'sign');
}

describe('the signature, against the sandbox', () => {
  const cases: Array<[string, () => ApiRequest]> = [
    [
      'send-custom-message (signed set in the query)',
      () => sendCustomMessageRequest({ channelId: '1000001', content: '你好', joinHistoryList: 1, watchType: 1 }),
    ],
    ['create-task (signed set in the form body)', () => createChatExportTaskRequest({ channelId: '1000001' })],
    ['get-speak-list (GET)', () => getSpeakListRequest({ userId: DEMO_CREDENTIALS.userId, size: 5, startTime: 1 })],
  ];

  it.each(cases)('%s: accepted as built; refused when any single signed parameter changes', async (_name, build) => {
    sb = await startSandbox({ channels: ['1000001'] });
    const w = buildHttpRequest(build(), creds, sb.url, Date.now());
    const keys = signedKeys(w);
    expect(keys).toEqual(expect.arrayContaining(['appId', 'timestamp']));
    for (const key of keys.filter((k) => k !== 'appId')) {
      expect(await send(tamper(w, key)), key).toMatchObject({ code: 403, message: 'invalid signature.' });
    }
    expect(sb.log.filter((e) => e.effect === 'applied')).toHaveLength(0);
    expect((await send(w)).code).toBe(200);
    expect(sb.log.filter((e) => e.effect === 'applied')).toHaveLength(1);
  });

  it('an unknown appId is refused before the signature (application not found)', async () => {
    sb = await startSandbox({ channels: ['1000001'] });
    const w = buildHttpRequest(sendCustomMessageRequest({ channelId: '1000001', content: 'x' }), creds, sb.url, Date.now());
    expect(await send(tamper(w, 'appId'))).toMatchObject({ message: 'application not found.' });
  });
});
