import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { RunbookError, ExitCodes } from '../core/errors.js';
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
  SpeakListPage,
} from '../polyv/types.js';
import type { CallOptions, PolyvApi, PreparedCall, StagedCall } from './api.js';
import { bytesToText } from './body-text.js';
import { backoffDelay, classifyFailure } from './classify.js';
import { describeSkew, PlatformClock } from './clock.js';
import type { Credentials } from './credentials.js';
import { DownloadError, PolyvApiError, TransportError } from './errors.js';
import { exchange, type Exchanged } from './exchange.js';
import { buildHttpRequest, type HttpRequest } from './http-request.js';
import { WarmConnector } from './preconnect.js';
import { rehearse } from './rehearsal.js';
import { IncompleteRequestError, StagedExchange } from './staged-exchange.js';
import { abortableSleep, sharedRateLimiter, type RateLimiter } from './rate-limiter.js';

/** An answer's data, and how its text was decoded. */
interface Answer {
  readonly data: unknown;
  readonly textAs: BodyText;
}

export const DEFAULT_BASE_URL = 'https://api.polyv.net';

/**
 * A prepared call older than this is signed again when sent: its timestamp must still be well inside
 * the platform's 3-minute window when it arrives.
 */
const PREPARED_MAX_AGE_MS = 60_000;

export interface RetryBudget {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** No retry starts after this much time since the first attempt. */
  readonly maxElapsedMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryBudget = Object.freeze({ maxAttempts: 6, maxElapsedMs: 60_000, baseDelayMs: 250, maxDelayMs: 8_000 });

/** What the client reports about its work, for debug logs and progress. Never holds the secret or a sign. */
export type ClientEvent =
  | { readonly type: 'request'; readonly endpoint: string; readonly attempt: number; readonly stepId?: string }
  | { readonly type: 'response'; readonly endpoint: string; readonly attempt: number; readonly status: number; readonly durationMs: number; readonly stepId?: string }
  | { readonly type: 'retry'; readonly endpoint: string; readonly attempt: number; readonly delayMs: number; readonly reason: string; readonly stepId?: string }
  | { readonly type: 'clock'; readonly offsetMs: number };

export interface PolyvClientOptions {
  readonly credentials: Credentials;
  /** Default https://api.polyv.net; the sandbox's URL, or a proxy. */
  readonly baseUrl?: string;
  /** Default: the process-wide limiter (`sharedRateLimiter()`); tests inject their own. */
  readonly limiter?: RateLimiter;
  /** Default: a fresh PlatformClock on `Date.now`, corrected from responses' `Date` headers. */
  readonly clock?: PlatformClock;
  /** Time allowed to open a connection (default 5 s). A connect timeout proves the request was not sent. */
  readonly connectTimeoutMs?: number;
  /** Time allowed for the response headers, and between body chunks (default 15 s). */
  readonly requestTimeoutMs?: number;
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

/** The local clock is too far from the platform's even after re-synchronising. */
export class ClockSkewError extends RunbookError {
  override readonly name = 'ClockSkewError';
  constructor(readonly offsetMs: number, endpoint: string, measured = true) {
    super(
      'E_CLOCK',
      `${endpoint}: the platform refused the timestamp twice; ` +
        (measured ? describeSkew(offsetMs) : 'its answers carried no Date header, so the skew could not be measured') +
        ". Fix the machine's clock (NTP) and retry.",
      ExitCodes.FAILED,
    );
  }
}

/**
 * The Polyv client: signs every attempt afresh, paces all calls through one limiter, corrects the
 * clock from `Date` headers, and retries only what `classifyFailure` allows.
 */
export class PolyvClient implements PolyvApi {
  readonly baseUrl: string;
  readonly clock: PlatformClock;
  private readonly agent: Agent;
  private readonly limiter: RateLimiter;
  private readonly retry: RetryBudget;
  private readonly timeout: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly warm: WarmConnector;
  private readonly origin: string;

  constructor(private readonly options: PolyvClientOptions) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.clock = options.clock ?? new PlatformClock();
    this.limiter = options.limiter ?? sharedRateLimiter();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeout = options.requestTimeoutMs ?? 15_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.origin = new URL(this.baseUrl).origin;
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

  async sendCustomMessage(p: SendCustomMessageParams, o?: CallOptions): Promise<void> {
    await this.call(sendCustomMessageRequest(p), o);
  }

  /**
   * Signs and encodes a call now for sending soon; nothing is sent. `send` puts its first attempt on
   * the wire exactly as prepared (a retry is signed afresh, as always). The timestamp is valid for
   * minutes, so preparing a burst some milliseconds before its instant changes nothing for the
   * platform and leaves only the writes for the instant itself.
   */
  prepare(req: ApiRequest): PreparedCall {
    const preparedAt = Date.now();
    return { req, wire: buildHttpRequest(req, this.options.credentials, this.baseUrl, this.clock.now()), preparedAt };
  }

  /** Sends a prepared call; resolves to the envelope's data (see `call`). */
  send(prepared: PreparedCall, o?: CallOptions): Promise<unknown> {
    return this.call(prepared.req, o, prepared);
  }

  /**
   * Stages a prepared call: its request goes to a connection now, short of the body's last byte
   * (StagedExchange explains why the platform cannot have it before `send`). The connection is then
   * taken and the request written, so `send` at the instant writes one byte. `send` paces it through
   * the limiter as any call, then writes the byte; a staged call torn down meanwhile (connection
   * closed, Ctrl-C) was never whole and is sent afresh, as is one staged longer than a prepared call
   * may be kept. `cancel` closes its connection short of the last byte.
   */
  stage(prepared: PreparedCall, o?: CallOptions): StagedCall {
    const wire = prepared.wire;
    if (wire.body === undefined || wire.body === '') return { send: () => this.send(prepared, o), cancel: () => undefined };
    const staged = new StagedExchange(this.agent, { ...wire, body: wire.body }, { signal: o?.signal, timeoutMs: this.timeout });
    let used = false;
    return {
      send: async () => {
        if (used) throw new Error('a staged call is sent or cancelled once');
        used = true;
        return (await this.callFor(prepared.req, o, prepared, 'utf8', staged)).data;
      },
      cancel: () => {
        if (used) return;
        used = true;
        staged.abandon();
      },
    };
  }

  /**
   * Makes sure about `n` connections to the platform are open or opening, for a burst of `n` calls
   * that is a moment away: idle keep-alive connections count, the rest are opened now (see
   * WarmConnector). Best effort and free of requests.
   */
  preconnect(n: number): void {
    const want = Math.min(n, this.options.maxConnections ?? 256);
    const pool = this.agent.stats[this.origin];
    // Connections not carrying a request. Not `free`: that leaves out a connection undici is still
    // checking after its last answer (it is free a moment later).
    const idle = pool && 'free' in pool ? Math.max(0, pool.connected - pool.running - pool.pending) : 0;
    const missing = want - idle - this.warm.ready;
    if (missing > 0) this.warm.open(missing);
  }

  rehearse(requests: readonly ApiRequest[], o?: { readonly signal?: AbortSignal }): Promise<void> {
    // A sibling client: same code and options, but its own clock (the stand-in's Date headers must not
    // correct the platform clock), limiter and credentials, no retries and no debug events.
    const { onEvent: _events, clock: _clock, ...options } = this.options;
    return rehearse(requests, (baseUrl, credentials, limiter) => new PolyvClient({ ...options, baseUrl, credentials, limiter, retry: { maxAttempts: 1 } }), o);
  }

  async batchCheckin(items: readonly CheckinItem[], o?: CallOptions): Promise<void> {
    await this.call(batchCheckinRequest(items), o);
  }

  async createChatExportTask(p: CreateChatExportTaskParams, o?: CallOptions): Promise<ChatExportTask> {
    const data = (await this.call(createChatExportTaskRequest(p), o)) as Record<string, unknown> | null;
    const status = data?.['status'];
    if (status !== 'todo' && status !== 'doing' && status !== 'done') {
      throw new PolyvApiError('createChatExportTask', 200, 200, `unexpected task status ${JSON.stringify(status)}`, undefined, o?.stepId);
    }
    const url = typeof data?.['url'] === 'string' && data['url'] !== '' ? data['url'] : undefined;
    const last = typeof data?.['lastExportTime'] === 'number' ? data['lastExportTime'] : undefined;
    return { status, ...(url ? { url } : {}), ...(last !== undefined ? { lastExportTime: last } : {}) };
  }

  async getSpeakList(p: GetSpeakListParams, o?: CallOptions & { readonly bodyText?: BodyText }): Promise<SpeakListPage> {
    const answer = await this.callFor(getSpeakListRequest(p), o, undefined, o?.bodyText ?? 'utf8');
    const data = answer.data as Record<string, unknown> | null;
    // `data: null` or a `list` that is not an array is not "no records": the answer is not a page.
    if (typeof data !== 'object' || data === null || !Array.isArray(data['list'])) {
      const what = typeof data !== 'object' || data === null ? `data is ${JSON.stringify(data ?? null).slice(0, 40)}` : `data.list is ${data['list'] === undefined ? 'missing' : typeof data['list']}`;
      throw new PolyvApiError('getSpeakList', 200, 200, `not a page of records (${what})`, undefined, o?.stepId);
    }
    const list = data['list'] as SpeakListPage['list'];
    return { size: Number(data['size'] ?? list.length), cursor: data['cursor'] === undefined || data['cursor'] === null ? '' : String(data['cursor']), list, textAs: answer.textAs };
  }

  async exportSessionStats(p: ExportSessionStatsParams, o?: CallOptions): Promise<string> {
    const data = await this.call(exportSessionStatsRequest(p), o);
    if (typeof data !== 'string' || data === '') {
      throw new PolyvApiError('exportSessionStats', 200, 200, 'the report answer carried no URL', undefined, o?.stepId);
    }
    return data;
  }

  /**
   * GETs a file the platform pointed to (an export's URL), unsigned, over the same agent. Follows at
   * most 5 redirects; retries connection failures, 5xx and 429 within the retry budget (a GET of a
   * file changes nothing); anything else is a DownloadError naming the URL without its query string.
   * Not paced by the limiter: files are served from a file host, not the rate-limited API domain.
   */
  async download(url: string, o?: CallOptions): Promise<Readable> {
    const started = Date.now();
    const shown = url.split('?')[0]!;
    let target = url;
    let redirects = 0;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const res = await request(target, { dispatcher: this.agent, method: 'GET', signal: o?.signal, headersTimeout: this.timeout, bodyTimeout: this.timeout });
        if (res.statusCode >= 300 && res.statusCode < 400 && res.headers['location']) {
          await res.body.dump();
          if (++redirects > 5) throw new DownloadError(shown, res.statusCode, 'too many redirects', o?.stepId);
          target = new URL(String(res.headers['location']), target).toString();
          attempt -= 1;
          continue;
        }
        if (res.statusCode !== 200) {
          await res.body.dump();
          throw new DownloadError(shown, res.statusCode, `HTTP ${res.statusCode}`, o?.stepId);
        }
        return res.body;
      } catch (err) {
        const e = err instanceof DownloadError ? err : new DownloadError(shown, undefined, (err as { code?: string }).code ?? String(err), o?.stepId, { cause: err });
        if (o?.signal?.aborted) throw e;
        const retryable = e.httpStatus === undefined || e.httpStatus >= 500 || e.httpStatus === 429;
        if (!retryable || attempt >= this.retry.maxAttempts || Date.now() - started > this.retry.maxElapsedMs) throw e;
        await this.sleep(backoffDelay(attempt, this.retry.baseDelayMs, this.retry.maxDelayMs, this.random), o?.signal);
      }
    }
  }

  async close(): Promise<void> {
    this.warm.close();
    await this.agent.close();
  }

  /**
   * One logical call: attempts, each re-signed with a fresh timestamp, until success or a final
   * verdict. With `prepared` (from `prepare`, same request), the first attempt goes out as prepared
   * if it is still fresh.
   */
  async call(req: ApiRequest, o?: CallOptions, prepared?: PreparedCall): Promise<unknown> {
    return (await this.callFor(req, o, prepared, 'utf8')).data;
  }

  /** `call`, with the answer's text decoded as asked (see BodyText) and how it was decoded. */
  private async callFor(req: ApiRequest, o: CallOptions | undefined, prepared: PreparedCall | undefined, bodyText: BodyText, staged?: StagedExchange): Promise<Answer> {
    const started = Date.now();
    const fresh = prepared !== undefined && started - prepared.preparedAt < PREPARED_MAX_AGE_MS;
    // A stale staged call is given up short of its last byte; the first attempt is signed afresh.
    if (staged && !fresh) staged.abandon();
    let resynced = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const first = attempt === 1 && fresh;
        return await this.attempt(req, attempt, o, first ? prepared.wire : undefined, bodyText, first ? staged : undefined);
      } catch (err) {
        const verdict = classifyFailure(req.endpoint, err);
        if (o?.signal?.aborted) throw err;
        if (verdict.action === 'resync') {
          if (resynced) throw new ClockSkewError(this.clock.offset, req.endpoint, this.clock.isSynced);
          resynced = true;
          this.options.onEvent?.({ type: 'retry', endpoint: req.endpoint, attempt, delayMs: 0, reason: verdict.reason, ...(o?.stepId ? { stepId: o.stepId } : {}) });
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

  private async attempt(req: ApiRequest, attempt: number, o: CallOptions | undefined, ready: HttpRequest | undefined, bodyText: BodyText, staged?: StagedExchange): Promise<Answer> {
    // The synchronous path first: with a slot free, the request reaches undici in this same pass.
    // Otherwise wait for one (an aborted signal rejects at once).
    if (o?.signal?.aborted || !this.limiter.tryAcquire()) {
      try {
        await this.limiter.acquire(o?.signal);
      } catch (err) {
        staged?.abandon();
        throw new TransportError(req.endpoint, 'not-sent', 'aborted before sending', o?.stepId, { cause: err });
      }
    }
    // A fresh timestamp and sign for every attempt, retries included (a prepared first attempt was
    // signed moments ago).
    const wire = ready ?? buildHttpRequest(req, this.options.credentials, this.baseUrl, this.clock.now());
    this.options.onEvent?.({ type: 'request', endpoint: req.endpoint, attempt, ...(o?.stepId ? { stepId: o.stepId } : {}) });
    const sentAt = Date.now();
    let res: Exchanged;
    try {
      res = await (staged ? staged.complete() : exchange(this.agent, wire, { signal: o?.signal, timeoutMs: this.timeout, bodyText }));
    } catch (err) {
      if (err instanceof IncompleteRequestError) throw new TransportError(req.endpoint, 'not-sent', `the connection closed while the call was staged, before its last byte (${this.baseUrl})`, o?.stepId, { cause: err });
      throw this.toTransportError(req.endpoint, err, o);
    }
    const receivedAt = Date.now();
    const before = this.clock.offset;
    this.clock.observe(res.date, sentAt, receivedAt);
    if (this.clock.offset !== before) this.options.onEvent?.({ type: 'clock', offsetMs: this.clock.offset });
    this.options.onEvent?.({ type: 'response', endpoint: req.endpoint, attempt, status: res.statusCode, durationMs: receivedAt - sentAt, ...(o?.stepId ? { stepId: o.stepId } : {}) });
    const parsed = parseEnvelope(res.statusCode, res.text);
    if (parsed.ok) return { data: parsed.data, textAs: res.textAs };
    // An error is read by people: from a byte string, its message is decoded again.
    const env = res.textAs === 'bytes' ? { ...parsed, message: bytesToText(parsed.message) } : parsed;
    if (/invalid timestamp/i.test(env.message)) this.clock.observe(res.date, sentAt, receivedAt, true);
    throw new PolyvApiError(req.endpoint, env.httpStatus, env.platformCode, env.message, env.requestId, o?.stepId);
  }

  /** Did the request provably not reach the platform? Only failures before the connection was made. */
  private toTransportError(endpoint: ApiRequest['endpoint'], err: unknown, o?: CallOptions): TransportError {
    const code = (err as { code?: string } | undefined)?.code ?? '';
    const notSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code);
    const what = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' ? `no answer within ${this.timeout} ms` : code || (err instanceof Error ? err.name : 'network error');
    return new TransportError(endpoint, notSent ? 'not-sent' : 'unknown', `${what} (${this.baseUrl})`, o?.stepId, { cause: err });
  }
}
