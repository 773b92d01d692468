import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { UsageError } from '../core/errors.js';
import { msg, type Msg } from '../i18n/index.js';
import { parseEnvelope } from '../polyv/envelope.js';
import {
  batchCheckinRequest,
  createChatExportTaskRequest,
  exportSessionStatsRequest,
  getSpeakListRequest,
  sendCustomMessageRequest,
  type ApiRequest,
} from '../polyv/requests.js';
import type {
  BodyText,
  ChatExportTask,
  CheckinItem,
  CreateChatExportTaskParams,
  ExportSessionStatsParams,
  GetSpeakListParams,
  SendCustomMessageParams,
  SpeakListBytesPage,
  SpeakListPage,
  SpeakRecord,
  SpeakRecordBytes,
} from '../polyv/types.js';
import type { CallOptions, Delivered, PolyvApi } from './api.js';
import { bytesToText, decodeBody } from './body-text.js';
import { backoffDelay, classifyFailure, isInvalidTimestamp } from './classify.js';
import { PlatformClock } from './clock.js';
import type { Credentials } from './credentials.js';
import { AnswerTooLargeError, ClockSkewError, DownloadError, PolyvApiError, TransportError } from './errors.js';
import { buildHttpRequest, type HttpRequest } from './http-request.js';
import { WarmConnector } from './preconnect.js';
import { sharedRateLimiter, type Limiter } from './rate-limiter.js';
import { sleep } from '../core/sleep.js';
import { DEFAULT_TRANSPORT_LIMITS, DEFAULT_RETRY, type RetryBudget, type TransportLimits } from './limits.js';
import { redactUrl } from './redact-url.js';

export const DEFAULT_BASE_URL = 'https://api.polyv.net';

/**
 * A call signed in a burst's preparation is sent as signed if it goes out within this long; after
 * that it is signed again (its timestamp must be well inside the platform's 3-minute window).
 */
const PREPARED_MAX_AGE_MS = 60_000;

/** What the client reports about its work, for debug logs and progress. Never holds the secret or a sign. */
export type ClientEvent =
  | { readonly type: 'request'; readonly endpoint: string; readonly attempt: number; readonly stepId?: string }
  | {
      readonly type: 'response';
      readonly endpoint: string;
      readonly attempt: number;
      readonly status: number;
      readonly durationMs: number;
      readonly stepId?: string;
    }
  | { readonly type: 'retry'; readonly endpoint: string; readonly attempt: number; readonly delayMs: number; readonly reason: Msg; readonly stepId?: string }
  | { readonly type: 'clock'; readonly offsetMs: number }
  /** An answer's `Date` header too far from the local clock to be believed; the clock was not moved. */
  | { readonly type: 'clock-ignored'; readonly date: string };

export interface PolyvClientOptions {
  readonly credentials: Credentials;
  /** Default https://api.polyv.net; the sandbox's URL, or a proxy. */
  readonly baseUrl?: string;
  /** Default: the process-wide limiter (`sharedRateLimiter()`); tests inject their own. */
  readonly limiter?: Limiter;
  /** Default: a fresh PlatformClock on `Date.now`, corrected from responses' `Date` headers. */
  readonly clock?: PlatformClock;
  /** Time allowed to open a connection (default 5 s). A connect timeout proves the request was not sent. */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the response headers, and between body chunks (default 15 s). */
  readonly requestTimeoutMs?: number;
  /** Sizes and overall deadlines (see TransportLimits). */
  readonly limits?: Partial<TransportLimits>;
  readonly retry?: Partial<RetryBudget>;
  /**
   * Keep-alive connections to the platform (default 256, one request each, no pipelining): this
   * bounds the calls in flight; further calls wait in undici's queue.
   */
  readonly maxConnections?: number;
  /** Debug hook: what was sent, answered and retried. Events never hold the secret, a sign or a URL. */
  readonly onEvent?: (e: ClientEvent) => void;
  /** For the backoff's jitter (tests make it deterministic). */
  readonly random?: () => number;
  /** For the backoff's waits (tests record them instead of sleeping). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One attempt's answer, parsed: the envelope's data and how the body was decoded. */
interface Answer {
  readonly data: unknown;
  readonly textAs: BodyText;
  readonly sentAt: number;
}

/**
 * The Polyv client: signs every attempt afresh, paces all calls through one limiter, corrects the
 * clock from `Date` headers, bounds every answer's size and time, and retries only what
 * `classifyFailure` allows, within one retry budget for every kind of call.
 */
export class PolyvClient implements PolyvApi {
  readonly baseUrl: string;
  readonly clock: PlatformClock;
  private readonly agent: Agent;
  private readonly limiter: Limiter;
  private readonly retry: RetryBudget;
  private readonly limits: TransportLimits;
  private readonly timeout: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly warm: WarmConnector;
  private readonly origin: string;
  /** The base URL as shown in messages: without any user name or password it carries. */
  private readonly shownBase: string;
  /** Calls signed by `prepareBurst`, by request, until sent (or collected with their request). */
  private readonly prepared = new WeakMap<ApiRequest, { readonly wire: HttpRequest; readonly at: number }>();

  constructor(private readonly options: PolyvClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.shownBase = redactUrl(this.baseUrl);
    let url: URL;
    try {
      url = new URL(this.baseUrl);
    } catch {
      throw new UsageError(msg('error.endpoint.notUrl', { endpoint: this.shownBase }));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(msg('error.endpoint.notHttp', { endpoint: this.shownBase }));
    this.origin = url.origin;
    this.clock = options.clock ?? new PlatformClock();
    this.limiter = options.limiter ?? sharedRateLimiter();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.limits = { ...DEFAULT_TRANSPORT_LIMITS, ...options.limits };
    this.timeout = options.requestTimeoutMs ?? 15_000;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    this.warm = new WarmConnector(this.baseUrl, { connectTimeoutMs: options.connectTimeoutMs ?? 5_000 });
    this.agent = new Agent({
      connect: this.warm.connect,
      connections: options.maxConnections ?? 256,
      keepAliveTimeout: 4_000,
      pipelining: 1,
    });
  }

  get userId(): string {
    return this.options.credentials.userId;
  }

  /**
   * Ahead of a burst: signs its calls (the first attempt of each then goes out as signed here, if
   * within PREPARED_MAX_AGE_MS) and makes sure about as many connections to the platform are open or
   * opening (idle keep-alive connections count; see WarmConnector). No request is made.
   */
  prepareBurst(requests: readonly ApiRequest[]): void {
    const at = Date.now();
    for (const req of requests) this.prepared.set(req, { wire: this.sign(req), at });
    const want = Math.min(requests.length, this.options.maxConnections ?? 256);
    const pool = this.agent.stats[this.origin];
    // Connections not carrying a request. Not `free`: that leaves out a connection undici is still
    // checking after its last answer (it is free a moment later).
    const idle = pool && 'free' in pool ? Math.max(0, pool.connected - pool.running - pool.pending) : 0;
    const missing = want - idle - this.warm.ready;
    if (missing > 0) this.warm.open(missing);
  }

  async send(req: ApiRequest, o?: CallOptions): Promise<Delivered> {
    const a = await this.call(req, o, 'utf8');
    return { data: a.data, sentAt: a.sentAt };
  }

  async sendCustomMessage(p: SendCustomMessageParams, o?: CallOptions): Promise<void> {
    await this.call(sendCustomMessageRequest(p), o, 'utf8');
  }

  async batchCheckin(items: readonly CheckinItem[], o?: CallOptions): Promise<void> {
    await this.call(batchCheckinRequest(items), o, 'utf8');
  }

  async createChatExportTask(p: CreateChatExportTaskParams, o?: CallOptions): Promise<ChatExportTask> {
    const data = (await this.call(createChatExportTaskRequest(p), o, 'utf8')).data as Record<string, unknown> | null;
    const status = data?.['status'];
    if (status !== 'todo' && status !== 'doing' && status !== 'done') {
      throw new PolyvApiError(
        'createChatExportTask',
        200,
        200,
        msg('error.api.unexpectedTaskStatus', { status: JSON.stringify(status) ?? 'undefined' }),
        undefined,
        o?.stepId,
      );
    }
    const url = typeof data?.['url'] === 'string' && data['url'] !== '' ? data['url'] : undefined;
    const last = typeof data?.['lastExportTime'] === 'number' ? data['lastExportTime'] : undefined;
    return { status, ...(url ? { url } : {}), ...(last !== undefined ? { lastExportTime: last } : {}) };
  }

  async getSpeakList(p: GetSpeakListParams, o?: CallOptions): Promise<SpeakListPage> {
    const a = await this.call(getSpeakListRequest(p), o, 'utf8');
    const page = speakPage(a.data, o?.stepId);
    return { ...page, list: page.list as readonly SpeakRecord[] };
  }

  async getSpeakListBytes(p: GetSpeakListParams, o?: CallOptions): Promise<SpeakListBytesPage> {
    const a = await this.call(getSpeakListRequest(p), o, 'bytes');
    const page = speakPage(a.data, o?.stepId);
    return a.textAs === 'bytes'
      ? { ...page, textAs: 'bytes', list: page.list as readonly SpeakRecordBytes[] }
      : { ...page, textAs: 'utf8', list: page.list as readonly SpeakRecord[] };
  }

  async exportSessionStats(p: ExportSessionStatsParams, o?: CallOptions): Promise<string> {
    const data = (await this.call(exportSessionStatsRequest(p), o, 'utf8')).data;
    if (typeof data !== 'string' || data === '') {
      throw new PolyvApiError('exportSessionStats', 200, 200, msg('error.api.noReportUrl'), undefined, o?.stepId);
    }
    return data;
  }

  /**
   * GETs a file the platform pointed to (an export's URL), unsigned, over the same agent. Only http(s)
   * URLs are fetched (anything else is refused at once). Follows at most 5 redirects; retries
   * connection failures, 5xx and 429 within the retry budget (a GET of a file changes nothing);
   * anything else is a DownloadError naming the URL without its query string or userinfo. The whole
   * download, body included, must end within `limits.downloadDeadlineMs`. Not paced by the limiter:
   * files are served from a file host, not the rate-limited API domain.
   */
  async download(url: string, o?: CallOptions): Promise<Readable> {
    const started = Date.now();
    const shown = redactUrl(url.split('?')[0]!);
    const deadline = AbortSignal.timeout(this.limits.downloadDeadlineMs);
    const signal = o?.signal ? AbortSignal.any([o.signal, deadline]) : deadline;
    let target = url;
    let redirects = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (!isHttpUrl(target)) throw new DownloadError(redactUrl(target.split('?')[0]!), undefined, msg('error.download.notHttp'), o?.stepId, { final: true });
        const res = await request(target, { dispatcher: this.agent, method: 'GET', signal, headersTimeout: this.timeout, bodyTimeout: this.timeout });
        if (res.statusCode >= 300 && res.statusCode < 400 && res.headers['location']) {
          await res.body.dump();
          if (++redirects > 5) throw new DownloadError(shown, res.statusCode, msg('error.download.tooManyRedirects'), o?.stepId, { final: true });
          target = new URL(String(res.headers['location']), target).toString();
          attempt -= 1;
          continue;
        }
        if (res.statusCode !== 200) {
          await res.body.dump();
          throw new DownloadError(shown, res.statusCode, msg('error.download.http', { status: String(res.statusCode) }), o?.stepId);
        }
        return res.body;
      } catch (err) {
        const timedOut = deadline.aborted && !o?.signal?.aborted;
        const e =
          err instanceof DownloadError
            ? err
            : new DownloadError(
                shown,
                undefined,
                timedOut ? msg('error.download.deadline', { ms: String(this.limits.downloadDeadlineMs) }) : networkReason(err),
                o?.stepId,
                { cause: err, final: timedOut },
              );
        if (o?.signal?.aborted || e.final) throw e;
        const retryable = e.httpStatus === undefined || e.httpStatus >= 500 || e.httpStatus === 429;
        const delayMs = backoffDelay(attempt, this.retry.baseDelayMs, this.retry.maxDelayMs, this.random);
        if (!retryable || attempt >= this.retry.maxAttempts || Date.now() - started + delayMs > this.retry.maxElapsedMs) throw e;
        await this.sleep(delayMs, o?.signal);
      }
    }
  }

  async close(): Promise<void> {
    this.warm.close();
    await this.agent.close();
  }

  private sign(req: ApiRequest): HttpRequest {
    return buildHttpRequest(req, this.options.credentials, this.baseUrl, this.clock.now());
  }

  /**
   * One logical call: attempts, each signed with a fresh timestamp (the first may go out as signed
   * by `prepareBurst`), until success or a final verdict within the retry budget.
   */
  private async call(req: ApiRequest, o: CallOptions | undefined, bodyText: BodyText): Promise<Answer> {
    const started = Date.now();
    const ahead = this.prepared.get(req);
    if (ahead) this.prepared.delete(req);
    let ready = ahead && started - ahead.at < PREPARED_MAX_AGE_MS ? ahead.wire : undefined;
    let resynced = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(req, attempt, o, ready, bodyText);
      } catch (err) {
        ready = undefined;
        if (o?.signal?.aborted) throw err;
        const verdict = classifyFailure(req.endpoint, err);
        if (verdict.action === 'resync') {
          if (resynced) throw new ClockSkewError(this.clock.offset, req.endpoint, this.clock.isSynced, o?.stepId);
          resynced = true;
          this.options.onEvent?.({
            type: 'retry',
            endpoint: req.endpoint,
            attempt,
            delayMs: 0,
            reason: verdict.reason,
            ...(o?.stepId ? { stepId: o.stepId } : {}),
          });
          continue;
        }
        if (verdict.action === 'fail') throw err;
        // The budget is checked before sleeping, with the sleep counted: no retry starts past it.
        const delayMs = backoffDelay(attempt, this.retry.baseDelayMs, this.retry.maxDelayMs, this.random);
        if (attempt >= this.retry.maxAttempts || Date.now() - started + delayMs > this.retry.maxElapsedMs) throw err;
        this.options.onEvent?.({ type: 'retry', endpoint: req.endpoint, attempt, delayMs, reason: verdict.reason, ...(o?.stepId ? { stepId: o.stepId } : {}) });
        await this.sleep(delayMs, o?.signal);
      }
    }
  }

  private async attempt(req: ApiRequest, attempt: number, o: CallOptions | undefined, ready: HttpRequest | undefined, bodyText: BodyText): Promise<Answer> {
    // The synchronous path first: with a slot free, the request reaches undici in this same pass.
    // Otherwise wait for one (an aborted signal rejects at once).
    if (o?.signal?.aborted || !this.limiter.tryAcquire()) {
      try {
        await this.limiter.acquire(o?.signal);
      } catch (err) {
        throw new TransportError(req.endpoint, 'not-sent', msg('error.transport.abortedBeforeSending'), o?.stepId, { cause: err });
      }
    }
    const wire = ready ?? this.sign(req);
    this.options.onEvent?.({ type: 'request', endpoint: req.endpoint, attempt, ...(o?.stepId ? { stepId: o.stepId } : {}) });
    const sentAt = Date.now();
    let statusCode: number;
    let date: string | undefined;
    let body: Buffer;
    // The whole exchange ends by the request deadline, whatever trickles in: until the answer's
    // headers it is bounded by the headers timeout (at most the deadline), then by a timer for what
    // is left of it — started once the request is on its way, not while a burst is being handed over.
    let pastDeadline = false;
    try {
      const res = await request(wire.url, {
        dispatcher: this.agent,
        method: wire.method,
        headers: wire.headers,
        ...(wire.body !== undefined ? { body: wire.body } : {}),
        ...(o?.signal ? { signal: o.signal } : {}),
        headersTimeout: Math.min(this.timeout, this.limits.requestDeadlineMs),
        bodyTimeout: this.timeout,
      });
      statusCode = res.statusCode;
      const d = res.headers['date'];
      date = Array.isArray(d) ? d[0] : d;
      const timer = setTimeout(
        () => {
          pastDeadline = true;
          // i18n-exempt: never shown; `pastDeadline` makes the TransportError say it (toTransportError)
          res.body.destroy(new Error('request deadline'));
        },
        sentAt + this.limits.requestDeadlineMs - Date.now(),
      );
      try {
        body = await readCapped(res.body, this.limits.maxAnswerBytes, req.endpoint, o?.stepId);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      if (err instanceof AnswerTooLargeError) throw err;
      throw this.toTransportError(req.endpoint, err, o, pastDeadline);
    }
    const receivedAt = Date.now();
    this.observeClock(date, sentAt, receivedAt, false);
    this.options.onEvent?.({
      type: 'response',
      endpoint: req.endpoint,
      attempt,
      status: statusCode,
      durationMs: receivedAt - sentAt,
      ...(o?.stepId ? { stepId: o.stepId } : {}),
    });
    const decoded = decodeBody(body, bodyText);
    const parsed = parseEnvelope(statusCode, decoded.text);
    if (parsed.ok) return { data: parsed.data, textAs: decoded.as, sentAt };
    // An error is read by people: from a byte string, its message is decoded again.
    const env = decoded.as === 'bytes' ? { ...parsed, message: bytesToText(parsed.message) } : parsed;
    // runbook's description of an answer that is not JSON (`text`) reads in the reader's language; the
    // platform's own words stay as written. (From a byte string the description is English only.)
    const platformMessage = decoded.as === 'bytes' ? env.message : (env.text ?? env.message);
    const error = new PolyvApiError(req.endpoint, env.httpStatus, env.platformCode, platformMessage, env.requestId, o?.stepId);
    if (isInvalidTimestamp(error)) this.observeClock(date, sentAt, receivedAt, true);
    throw error;
  }

  private observeClock(date: string | undefined, sentAt: number, receivedAt: number, force: boolean): void {
    const before = this.clock.offset;
    const seen = this.clock.observe(date, sentAt, receivedAt, force);
    if (seen === 'implausible') this.options.onEvent?.({ type: 'clock-ignored', date: date ?? '' });
    if (this.clock.offset !== before) this.options.onEvent?.({ type: 'clock', offsetMs: this.clock.offset });
  }

  /** Did the request provably not reach the platform? Only failures before the connection was made. */
  private toTransportError(endpoint: ApiRequest['endpoint'], err: unknown, o: CallOptions | undefined, pastDeadline: boolean): TransportError {
    const code = (err as { code?: string } | undefined)?.code ?? '';
    const notSent = !pastDeadline && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code);
    const reason = pastDeadline
      ? msg('error.transport.deadline', { ms: String(this.limits.requestDeadlineMs) })
      : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
        ? msg('error.transport.noAnswer', { ms: String(this.timeout) })
        : networkReason(err);
    return new TransportError(endpoint, notSent ? 'not-sent' : 'unknown', msg('error.transport.at', { reason, base: this.shownBase }), o?.stepId, {
      cause: err,
    });
  }
}

/** A get-speak-list answer's data as a page; its list's records are the caller's to type. */
function speakPage(data: unknown, stepId: string | undefined): { size: number; cursor: string; list: readonly unknown[] } {
  // `data: null` or a `list` that is not an array is not "no records": the answer is not a page.
  if (typeof data !== 'object' || data === null || !Array.isArray((data as Record<string, unknown>)['list'])) {
    const d = data as Record<string, unknown> | null;
    const why =
      typeof d !== 'object' || d === null
        ? msg('error.api.dataIs', { value: JSON.stringify(d ?? null).slice(0, 40) })
        : d['list'] === undefined
          ? msg('error.api.dataListMissing')
          : msg('error.api.dataListIs', { type: typeof d['list'] });
    throw new PolyvApiError('getSpeakList', 200, 200, msg('error.api.notAPage', { why }), undefined, stepId);
  }
  const d = data as Record<string, unknown>;
  const list = d['list'] as unknown[];
  return { size: Number(d['size'] ?? list.length), cursor: d['cursor'] === undefined || d['cursor'] === null ? '' : String(d['cursor']), list };
}

/** What kind of network failure a system or undici error code is: connection, DNS, TLS… (the code itself is kept). */
const NETWORK_KINDS: Readonly<Record<string, 'refused' | 'dns' | 'connectTimeout' | 'unreachable' | 'reset' | 'closed' | 'tls'>> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  UND_ERR_CONNECT_TIMEOUT: 'connectTimeout',
  ETIMEDOUT: 'connectTimeout',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'closed',
  UND_ERR_CLOSED: 'closed',
  CERT_HAS_EXPIRED: 'tls',
  CERT_NOT_YET_VALID: 'tls',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls',
  ERR_SSL_WRONG_VERSION_NUMBER: 'tls',
  EPROTO: 'tls',
};

/** A network error in words: its kind when known, always with its code (what people search for). */
export function networkReason(err: unknown): Msg {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code !== '') {
    const kind = NETWORK_KINDS[code];
    return kind ? msg(`error.transport.net.${kind}`, { code }) : msg('error.transport.net.other', { code });
  }
  return err instanceof Error ? msg('error.transport.net.other', { code: err.name }) : msg('error.transport.net.unknown');
}

/** The answer's body, at most `max` bytes: past that, the exchange is given up (AnswerTooLargeError). */
async function readCapped(body: Readable, max: number, endpoint: ApiRequest['endpoint'], stepId: string | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw new AnswerTooLargeError(endpoint, max, stepId);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function isHttpUrl(url: string): boolean {
  try {
    const p = new URL(url).protocol;
    return p === 'http:' || p === 'https:';
  } catch {
    return false;
  }
}
