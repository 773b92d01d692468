import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { polyvSign } from '../polyv/sign.js';
import { Endpoints, type EndpointName } from '../polyv/types.js';
import { DEMO_CREDENTIALS, type SandboxCredentials } from './credentials.js';
import { v3Error, v4Error, type Reply } from './envelope-reply.js';
import { FaultInjector, NO_FAULTS, parseFaultSpec, type FaultSpec } from './faults.js';
import { SandboxLog, type SandboxLogEntry } from './log.js';
import { PLATFORM_RATE_LIMIT, type RateLimitOptions, type SandboxOptions } from './options.js';
import { Platform } from './platform.js';
import { SpeakStore } from './speak-store.js';

/** A running sandbox. */
export interface Sandbox {
  readonly url: string;
  readonly port: number;
  readonly credentials: SandboxCredentials;
  /** The simulated platform's state: messages, check-ins, export tasks, served files. */
  readonly platform: Platform;
  readonly speak: SpeakStore;
  /** Every request received, in order (also written to the log file when one was given). */
  readonly log: readonly SandboxLogEntry[];
  /** Client connections open now (a preconnect opens some without any request). */
  readonly connections: number;
  /** Change the faults while running (e.g. to let a resumed run through). */
  setFaults(spec: FaultSpec | string): void;
  close(): Promise<void>;
}

const TIMESTAMP_WINDOW_MS = 3 * 60 * 1000;
const MAX_BODY = 4 * 1024 * 1024;
const PATHS = new Map<string, EndpointName>(Object.entries(Endpoints).map(([name, e]) => [e.path, name as EndpointName]));

/** Starts a Polyv-compatible server on loopback (port 0 picks a free port). */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const credentials = options.credentials ?? DEMO_CREDENTIALS;
  const clockOffset = options.clockOffsetMs ?? 0;
  const now = (): number => Date.now() + clockOffset;
  const seed = options.seed ?? 1;
  const speak = new SpeakStore({
    count: options.seedMessages ?? 0,
    seed,
    channels: options.channels ?? [],
    // Inside the last day, an hour from its edge: a one-off export's default window (24 h) still
    // covers them when taken within the hour.
    startMs: options.seedStartMs ?? now() - 23 * 3600 * 1000,
    spacingMs: options.seedSpacingMs ?? 50,
    accountId: credentials.userId,
  });
  const errorStatus = (code: number): number => (options.errorHttpStatus === 200 ? 200 : code);
  const platform = new Platform({
    credentials,
    ...(options.channels ? { channels: options.channels } : {}),
    reportNotReadyCalls: options.reportNotReadyCalls ?? 2,
    exportSteps: options.exportSteps ?? 2,
    hostileExportUrl: options.hostileExportUrl ?? false,
    errorStatus,
    notReadyHttpStatus: options.notReadyHttpStatus ?? 400,
    speak,
  });
  const faults = new FaultInjector(toSpec(options.faults), seed);
  const rate: RateLimitOptions = { ...PLATFORM_RATE_LIMIT, ...options.rateLimit };
  const hits = new Map<string, { times: number[]; blockedUntil: number }>();
  const log = new SandboxLog(options.log);
  const sockets = new Set<Socket>();
  let seq = 0;
  let baseUrl = '';
  const asciiJson = options.asciiJson ?? false;
  const send = (res: ServerResponse, reply: Reply, nowMs: number): void => writeReply(res, reply, nowMs, asciiJson);

  const record = (e: Omit<SandboxLogEntry, 'seq'>): void => log.write({ seq: ++seq, ...e });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      // The connection closed before the whole request arrived: there is no call to act on.
      if (req.complete) throw err;
      return;
    }
    // A request is received when its last byte is: the platform cannot act on a call before all of it.
    const receivedAt = now();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const base = { receivedAt, method: req.method ?? 'GET', path: url.pathname };

    if (url.pathname.startsWith('/files/')) {
      const rawPath = (req.url ?? '').split('?')[0]!;
      const file = platform.files.get(rawPath) ?? platform.files.get(url.pathname);
      if (!file) {
        record({ ...base, status: 404, effect: 'not-found' });
        send(res, { status: 404, code: 404, body: { code: 404, status: 'error', message: 'not found', data: '' } }, now());
        return;
      }
      const broken = faults.drawDownloadBreak();
      record({ ...base, status: 200, effect: broken ? 'fault' : 'served', ...(broken ? { fault: 'breakDownload' } : {}) });
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': file.length, Date: new Date(now()).toUTCString() });
      if (broken) {
        res.write(file.subarray(0, Math.floor(file.length / 2)), () => res.destroy());
      } else {
        res.end(file);
      }
      return;
    }

    const endpoint = PATHS.get(url.pathname);
    if (!endpoint || Endpoints[endpoint].method !== req.method) {
      record({ ...base, status: 404, effect: 'not-found' });
      send(res, { status: 404, code: 404, body: { code: 404, status: 'error', message: `no such endpoint: ${req.method} ${url.pathname}`, data: '' } }, now());
      return;
    }
    const v4 = Endpoints[endpoint].version === 4;
    const error = (code: number, message: string, httpStatus: number, v4code = code): Reply =>
      v4 ? v4Error(code, v4code, message, httpStatus) : v3Error(code, message, httpStatus);

    // The platform's rate limit: per IP, a window of requests, then blocked for a while.
    const ip = req.socket.remoteAddress ?? '?';
    const h = hits.get(ip) ?? { times: [], blockedUntil: 0 };
    hits.set(ip, h);
    const t = Date.now();
    if (h.blockedUntil !== 0 && h.blockedUntil <= t) {
      // The block is over: the IP starts afresh.
      h.times = [];
      h.blockedUntil = 0;
    }
    if (h.blockedUntil <= t) {
      while (h.times.length > 0 && h.times[0]! <= t - rate.windowMs) h.times.shift();
      h.times.push(t);
      if (h.times.length > rate.max) h.blockedUntil = t + rate.blockMs;
    }
    if (h.blockedUntil > t) {
      if (typeof rate.reply === 'object') {
        // A gateway's refusal: plain text, with whatever status it uses.
        const { status, text } = rate.reply;
        record({ ...base, endpoint, status, code: status, effect: 'rejected', message: text });
        res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Date: new Date(now()).toUTCString() });
        res.end(text);
        return;
      }
      const reply = error(429, 'request too frequent, your IP is blocked for a while.', rate.reply === 'http429' ? 429 : 200);
      record({ ...base, endpoint, status: reply.status, code: 429, effect: 'rejected', message: reply.message });
      send(res, reply, now());
      return;
    }

    // Gather parameters: which ones are signed depends on the endpoint (SPEC §2).
    const query = Object.fromEntries(url.searchParams);
    const isForm = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
    const form = isForm ? Object.fromEntries(new URLSearchParams(body)) : {};
    const signed: Record<string, string> = endpoint === 'createChatExportTask' ? { ...query, ...form } : { ...query };
    const empty = Object.entries({ ...query, ...form })
      .filter(([, v]) => v === '')
      .map(([k]) => k);
    if (empty.length > 0) {
      if (options.emptyParams !== 'ignore') {
        const reply = error(400, `empty parameter: ${empty.join(', ')}`, errorStatus(400));
        record({ ...base, endpoint, status: reply.status, code: 400, effect: 'rejected', message: reply.message });
        send(res, reply, now());
        return;
      }
      for (const k of empty) {
        delete signed[k];
        delete form[k];
        delete query[k];
      }
    }
    const reject = (reply: Reply, signOk?: boolean): void => {
      record({
        ...base,
        endpoint,
        status: reply.status,
        code: reply.code,
        effect: 'rejected',
        ...(reply.message ? { message: reply.message } : {}),
        ...(signOk !== undefined ? { signOk } : {}),
      });
      send(res, reply, now());
    };
    if (!signed['appId']) return reject(error(400, 'appId is required.', errorStatus(400)));
    if (signed['appId'] !== credentials.appId)
      return reject(v4 ? v4Error(400, 20001, 'application not found.', errorStatus(400)) : v3Error(400, 'application not found.', errorStatus(400)));
    const ts = Number(signed['timestamp']);
    if (!/^\d{13}$/.test(signed['timestamp'] ?? '') || Math.abs(ts - receivedAt) > TIMESTAMP_WINDOW_MS)
      return reject(options.refusedTimestamp === 'zh' ? error(10003, '时间戳过期', errorStatus(400)) : error(400, 'invalid timestamp.', errorStatus(400)));
    const signOk = signed['sign'] !== undefined && polyvSign(signed, credentials.appSecret) === signed['sign'];
    if (!signOk) return reject(error(403, 'invalid signature.', options.signatureErrorHttpStatus ?? 403), false);

    const fault = faults.drawApiFault(endpoint);
    if (fault === '5xx') {
      const reply = error(500, 'internal error (sandbox fault)', 500);
      record({ ...base, endpoint, status: 500, code: 500, effect: 'fault', fault, signOk });
      send(res, reply, now());
      return;
    }
    if (fault === 'resetBefore') {
      record({ ...base, endpoint, effect: 'fault', fault, signOk });
      req.socket.destroy();
      return;
    }

    const outcome = (() => {
      switch (endpoint) {
        case 'sendCustomMessage':
          return platform.sendCustomMessage(query, form, receivedAt);
        case 'batchCheckin':
          return platform.batchCheckin(body, receivedAt);
        case 'createChatExportTask':
          return platform.createChatExportTask(signed, receivedAt, baseUrl);
        case 'getSpeakList':
          return platform.getSpeakList(query);
        case 'exportSessionStats':
          return platform.exportSessionStats(query, baseUrl);
      }
    })();
    const reply = outcome.reply;
    const effect = outcome.reply.code === 200 ? 'applied' : 'rejected';
    record({
      ...base,
      endpoint,
      status: reply.status,
      code: reply.code,
      effect,
      signOk,
      ...(outcome.params ? { params: outcome.params } : {}),
      ...(reply.message ? { message: reply.message } : {}),
      ...(fault ? { fault } : {}),
    });
    if (fault === 'resetAfter') {
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') {
      const timer = setTimeout(() => send(res, reply, now()), faults.spec.slowMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    send(res, reply, now());
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, v3Error(500, `sandbox error: ${err instanceof Error ? err.message : String(err)}`, 500), now());
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${host}:${addr.port}`;

  return {
    url: baseUrl,
    port: addr.port,
    credentials,
    platform,
    speak,
    log: log.entries,
    get connections() {
      return sockets.size;
    },
    setFaults(spec) {
      faults.spec = toSpec(spec);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => void log.close().then(resolve));
      }),
  };
}

function toSpec(f: FaultSpec | string | undefined): FaultSpec {
  if (f === undefined) return NO_FAULTS;
  return typeof f === 'string' ? parseFaultSpec(f) : f;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function writeReply(res: ServerResponse, reply: Reply, nowMs: number, asciiJson: boolean): void {
  if (res.destroyed || res.writableEnded) return;
  const json = JSON.stringify(reply.body);
  const text = asciiJson ? json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
  res.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    Date: new Date(nowMs).toUTCString(),
  });
  res.end(text);
}
