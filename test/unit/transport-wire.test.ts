import { describe, expect, it } from 'vitest';
import { polyvSign } from '../../src/polyv/sign.js';
import {
  batchCheckinRequest,
  createChatExportTaskRequest,
  exportSessionStatsRequest,
  getSpeakListRequest,
  sendCustomMessageRequest,
  type ApiRequest,
} from '../../src/polyv/requests.js';
import { Credentials } from '../../src/transport/credentials.js';
import { buildHttpRequest } from '../../src/transport/http-request.js';

const SECRET = 'unit-secret-9f8e7d';
const creds = new Credentials('app1', SECRET, 'user1', 'test');
const BASE = 'http://127.0.0.1:9';
const TS = 1_700_000_000_123;

/** The parameters that travel with `sign`, wherever they are. */
function signedSet(req: ApiRequest): { where: 'query' | 'form'; params: Record<string, string>; rest: URLSearchParams | undefined } {
  const w = buildHttpRequest(req, creds, BASE, TS);
  const url = new URL(w.url);
  if (url.searchParams.has('sign')) {
    const rest = w.headers['content-type'] === 'application/x-www-form-urlencoded' ? new URLSearchParams(w.body) : undefined;
    return { where: 'query', params: Object.fromEntries(url.searchParams), rest };
  }
  return { where: 'form', params: Object.fromEntries(new URLSearchParams(w.body)), rest: undefined };
}

function verifies(params: Record<string, string>): boolean {
  const { sign, ...rest } = params;
  return sign === polyvSign(rest, SECRET);
}

describe('one signed attempt on the wire', () => {
  it('send-custom-message: signed set in the query, Chinese content unsigned in a form body', () => {
    const req = sendCustomMessageRequest({ channelId: '2477096', content: '同学们好 ✓ a+b/c?', joinHistoryList: 1, watchType: 2 });
    const { where, params, rest } = signedSet(req);
    expect(where).toBe('query');
    expect(Object.keys(params).sort()).toEqual(['appId', 'channelId', 'joinHistoryList', 'sign', 'timestamp', 'watchType']);
    expect(params['timestamp']).toBe(String(TS));
    expect(params['timestamp']).toMatch(/^\d{13}$/);
    expect(verifies(params)).toBe(true);
    expect(rest?.get('content')).not.toBeNull();
    expect(Buffer.from(rest!.get('content')!, 'base64url').toString('utf8')).toBe('同学们好 ✓ a+b/c?');
    expect([...rest!.keys()]).toEqual(['content']);
  });

  it('create-task: signed set in the form body, nothing in the query', () => {
    const w = buildHttpRequest(createChatExportTaskRequest({ channelId: '2477096' }), creds, BASE, TS);
    expect(w.method).toBe('POST');
    expect(new URL(w.url).search).toBe('');
    expect(w.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const params = Object.fromEntries(new URLSearchParams(w.body));
    expect(Object.keys(params).sort()).toEqual(['appId', 'channelId', 'sign', 'timestamp']);
    expect(verifies(params)).toBe(true);
  });

  it('batch-checkin: appId and timestamp signed in the query; the JSON body is unsigned', () => {
    const w = buildHttpRequest(batchCheckinRequest([{ channelId: '12', limitTime: 30, delayTime: TS, message: '签到' }]), creds, BASE, TS);
    const q = Object.fromEntries(new URL(w.url).searchParams);
    expect(Object.keys(q).sort()).toEqual(['appId', 'sign', 'timestamp']);
    expect(verifies(q)).toBe(true);
    expect(w.headers['content-type']).toBe('application/json');
    expect(JSON.parse(w.body!)).toEqual([{ channelId: 12, limitTime: 30, delayTime: TS, message: '签到' }]);
  });

  it('GET reads: numbers as decimal text, every parameter signed, no body', () => {
    for (const req of [
      getSpeakListRequest({ userId: 'user1', startTime: 1, endTime: 2e12, size: 1000, cursor: 'c1' }),
      exportSessionStatsRequest({ channelId: '1', sessionId: 's' }),
    ]) {
      const w = buildHttpRequest(req, creds, BASE, TS);
      expect(w.method).toBe('GET');
      expect(w.body).toBeUndefined();
      const q = Object.fromEntries(new URL(w.url).searchParams);
      expect(verifies(q)).toBe(true);
      if (req.endpoint === 'getSpeakList') expect(q).toMatchObject({ endTime: '2000000000000', size: '1000' });
    }
  });

  it('sends no empty parameter, and signs exactly what it sends', () => {
    const req: ApiRequest = { ...getSpeakListRequest({ userId: 'u' }), signed: { userId: 'u', cursor: '' }, form: { note: '' } };
    const w = buildHttpRequest(req, creds, BASE, TS);
    expect(w.url).not.toMatch(/cursor|note/);
    expect(w.body).toBeUndefined();
    expect(verifies(Object.fromEntries(new URL(w.url).searchParams))).toBe(true);
  });

  it('signs afresh per timestamp, and the sign depends on every signed parameter', () => {
    const req = getSpeakListRequest({ userId: 'u', size: 10 });
    const a = new URL(buildHttpRequest(req, creds, BASE, TS).url).searchParams.get('sign');
    const b = new URL(buildHttpRequest(req, creds, BASE, TS + 1).url).searchParams.get('sign');
    const c = new URL(buildHttpRequest(getSpeakListRequest({ userId: 'u', size: 11 }), creds, BASE, TS).url).searchParams.get('sign');
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('never puts the secret on the wire', () => {
    const w = buildHttpRequest(sendCustomMessageRequest({ channelId: '1', content: 'hi' }), creds, BASE, TS);
    expect(w.url).not.toContain(SECRET);
    expect(JSON.stringify(w.headers) + w.body).not.toContain(SECRET);
  });
});
