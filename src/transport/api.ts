import type { Readable } from 'node:stream';
import type { ApiRequest } from '../polyv/requests.js';
import type { HttpRequest } from './http-request.js';
import type { BodyText, CheckinItem, ChatExportTask, CreateChatExportTaskParams, ExportSessionStatsParams, GetSpeakListParams, SendCustomMessageParams, SpeakListPage } from '../polyv/types.js';

/**
 * A call signed and encoded ahead of its instant (`PolyvApi.prepare`), so that sending it costs only
 * handing the bytes to a connection. Opaque: it holds a sign, so it is never logged or printed.
 */
export interface PreparedCall {
  readonly req: ApiRequest;
  /** The first attempt's wire (holds the sign). */
  readonly wire: HttpRequest;
  /** When it was signed (local ms). */
  readonly preparedAt: number;
}

/**
 * A prepared call already on a connection, short of its last byte (`PolyvApi.stage`): at its instant,
 * `send` writes that byte. Opaque, like PreparedCall.
 */
export interface StagedCall {
  /** Completes the call now and resolves as `PolyvApi.send` does (a call torn down while staged is sent afresh). */
  send(): Promise<unknown>;
  /** Gives it up unsent: its connection is closed short of the last byte, so the platform never has the call. */
  cancel(): void;
}

/** Per-call options. `stepId` is carried into errors and logs. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly stepId?: string;
}

/**
 * What the engine and the exports need from the platform. Implemented by PolyvClient over undici;
 * every method signs afresh per attempt, goes through the shared rate limiter and the retry classifier,
 * and throws PolyvApiError or TransportError (src/transport/errors.ts).
 */
export interface PolyvApi {
  sendCustomMessage(p: SendCustomMessageParams, o?: CallOptions): Promise<void>;
  /** Signs and encodes a call now, for `send` moments later (a burst's instant then costs only the writes). */
  prepare(req: ApiRequest): PreparedCall;
  /** Sends a prepared call: its first attempt as prepared, retries signed afresh. Resolves to the envelope's data. */
  send(prepared: PreparedCall, o?: CallOptions): Promise<unknown>;
  /**
   * Writes a prepared call to a connection now, all but the last byte of its body, so that sending it
   * at its instant is one small write (see staged-exchange.ts). Nothing can reach the platform before
   * `send`. A call with no body is only kept, and sent whole by `send`.
   */
  stage(prepared: PreparedCall, o?: CallOptions): StagedCall;
  /** Opens connections ahead of a burst of `n` calls (no request is made); best effort. */
  preconnect(n: number): void;
  /**
   * Sends these calls to a stand-in server inside this process (never to the platform, never with the
   * account's secret), so that the code that sends a burst is warm when the first real one is due
   * (see rehearsal.ts). Best effort; resolves when done.
   */
  rehearse(requests: readonly ApiRequest[], o?: { readonly signal?: AbortSignal }): Promise<void>;
  batchCheckin(items: readonly CheckinItem[], o?: CallOptions): Promise<void>;
  createChatExportTask(p: CreateChatExportTaskParams, o?: CallOptions): Promise<ChatExportTask>;
  /** One page; with `bodyText: 'bytes'` its strings may come as byte strings (the page's `textAs` says). */
  getSpeakList(p: GetSpeakListParams, o?: CallOptions & { readonly bodyText?: BodyText }): Promise<SpeakListPage>;
  /** Resolves to the xlsx URL; "Report is not ready yet" is a PolyvApiError the caller may retry. */
  exportSessionStats(p: ExportSessionStatsParams, o?: CallOptions): Promise<string>;
  /** GET an absolute URL (a file the platform points to); resolves to the body as a Node stream. */
  download(url: string, o?: CallOptions): Promise<Readable>;
  /** The account's userId (get-speak-list needs it). */
  readonly userId: string;
  close(): Promise<void>;
}
