import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials, PolyvClient, RateLimiter, TransportError } from '../../src/transport/index.js';
import { sendCustomMessageRequest } from '../../src/polyv/index.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const CHANNEL = '1000001';
const message = (content: string) => sendCustomMessageRequest({ channelId: CHANNEL, content, joinHistoryList: 1, watchType: 1 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const credentials = () => new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test');

function client(baseUrl: string): PolyvClient {
  const c = new PolyvClient({ credentials: credentials(), baseUrl, limiter: new RateLimiter({ max: 100, windowMs: 1000 }), requestTimeoutMs: 2000, retry: { baseDelayMs: 10, maxDelayMs: 20 } });
  open.push(c);
  return c;
}

async function sandbox(): Promise<Sandbox> {
  const sb = await startSandbox({ channels: [CHANNEL] });
  open.push(sb);
  return sb;
}

/** A bare TCP server that records every byte and answers a request only once all of it (Content-Length) is in. */
async function byteCountingServer(): Promise<{ url: string; received: () => Buffer; close(): Promise<void> }> {
  let bytes = Buffer.alloc(0);
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => {
      bytes = Buffer.concat([bytes, d]);
      const head = bytes.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(bytes.subarray(0, head).toString('latin1'))?.[1]);
      if (head >= 0 && bytes.length - head - 4 === length) {
        const body = '{"code":200,"status":"success","message":"","data":"got it"}';
        s.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const handle = {
    url: `http://127.0.0.1:${port}`,
    received: () => bytes,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  open.push(handle);
  return handle;
}

describe('a staged call', () => {
  it('is on the wire short of exactly its last byte until send, which writes that byte', async () => {
    const srv = await byteCountingServer();
    const c = client(srv.url);
    const prepared = c.prepare(message('held back'));
    const staged = c.stage(prepared);
    await sleep(150);
    const early = srv.received().toString('latin1');
    const head = early.indexOf('\r\n\r\n');
    expect(head).toBeGreaterThan(0);
    const declared = Number(/content-length: (\d+)/i.exec(early.slice(0, head))?.[1]);
    expect(declared).toBe(Buffer.byteLength(prepared.wire.body!));
    expect(early.length - head - 4).toBe(declared - 1);
    expect(await staged.send()).toBe('got it');
    const all = srv.received();
    expect(all.length).toBe(early.length + 1);
    expect(all.subarray(all.indexOf('\r\n\r\n') + 4).toString('utf8')).toBe(prepared.wire.body);
  });

  it('reaches the sandbox as one call, received when its last byte is (after send), not when its headers were', async () => {
    const sb = await sandbox();
    const c = client(sb.url);
    const staged = c.stage(c.prepare(message('on time')));
    await sleep(150);
    expect(sb.connections).toBe(1);
    expect(sb.log).toHaveLength(0);
    const sentAt = Date.now();
    await staged.send();
    expect(sb.platform.messages.map((m) => m.text)).toEqual(['on time']);
    expect(sb.log.map((e) => [e.effect, e.signOk])).toEqual([['applied', true]]);
    expect(sb.log[0]!.receivedAt).toBeGreaterThanOrEqual(sentAt);
  });

  it('cancelled: its connection closes short of the last byte and the platform never has the call', async () => {
    const sb = await sandbox();
    const c = client(sb.url);
    const staged = c.stage(c.prepare(message('never')));
    await sleep(100);
    staged.cancel();
    await sleep(100);
    expect(sb.platform.messages).toHaveLength(0);
    expect(sb.log.map((e) => [e.effect, e.path])).toEqual([['incomplete', message('never').path]]);
    await expect(staged.send()).rejects.toThrow(/once/);
    // The client goes on working.
    await c.send(c.prepare(message('later')));
    expect(sb.platform.messages.map((m) => m.text)).toEqual(['later']);
  });

  it('torn down while staged (the server closed the connection): sent afresh at send, applied exactly once', async () => {
    const sb = await sandbox();
    const events: string[] = [];
    const c = new PolyvClient({ credentials: credentials(), baseUrl: sb.url, limiter: new RateLimiter({ max: 100, windowMs: 1000 }), requestTimeoutMs: 2000, retry: { baseDelayMs: 10, maxDelayMs: 20 }, onEvent: (e) => events.push(e.type === 'retry' ? `retry: ${e.reason}` : e.type) });
    open.push(c);
    const staged = c.stage(c.prepare(message('once')));
    await sleep(100);
    sb.dropConnections();
    await sleep(100);
    await staged.send();
    expect(sb.platform.messages.map((m) => m.text)).toEqual(['once']);
    expect(sb.log.map((e) => e.effect)).toEqual(['incomplete', 'applied']);
    expect(events).toContain('retry: the request never reached the platform');
  });

  it('staged past the age a prepared call may be kept: given up and signed afresh, applied once', async () => {
    const sb = await sandbox();
    const c = client(sb.url);
    const prepared = { ...c.prepare(message('stale')), preparedAt: Date.now() - 61_000 };
    const staged = c.stage(prepared);
    await sleep(100);
    await staged.send();
    await sleep(50);
    expect(sb.platform.messages.map((m) => m.text)).toEqual(['stale']);
    expect(sb.log.map((e) => e.effect).sort()).toEqual(['applied', 'incomplete']);
  });

  it('stopped by its signal while staged: send says not sent, and nothing is applied', async () => {
    const sb = await sandbox();
    const c = client(sb.url);
    const stop = new AbortController();
    const staged = c.stage(c.prepare(message('stopped')), { signal: stop.signal });
    await sleep(100);
    stop.abort();
    const err = await staged.send().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).delivery).toBe('not-sent');
    await sleep(100);
    expect(sb.platform.messages).toHaveLength(0);
  });
});
