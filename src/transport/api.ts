import type { Readable } from 'node:stream';
import type { ApiRequest } from '../polyv/requests.js';
import type {
  ChatExportTask,
  CheckinItem,
  CreateChatExportTaskParams,
  ExportSessionStatsParams,
  GetSpeakListParams,
  SendCustomMessageParams,
  SpeakListBytesPage,
  SpeakListPage,
} from '../polyv/types.js';

/** Per-call options. `stepId` is carried into errors and logs. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly stepId?: string;
}

/** A call the platform accepted: its answer's data, and when the accepted attempt was sent (local ms). */
export interface Delivered {
  readonly data: unknown;
  readonly sentAt: number;
}

/**
 * The one port for sending fast: calls due together at one instant, announced a little ahead so the
 * transport can do what it needs before them (open connections, sign). Nothing is sent by it.
 */
export interface BurstPort {
  /** These calls are due together soon; the transport prepares for them (no request is made). */
  prepareBurst(requests: readonly ApiRequest[]): void;
}

/**
 * What the engine and the exports need from the platform: its operations, plus the burst port.
 * Implemented by PolyvClient over undici; every call signs afresh per attempt (a call prepared in a
 * burst is signed shortly ahead), goes through the shared rate limiter and the retry classifier, and
 * throws PolyvApiError or TransportError (src/transport/errors.ts).
 */
export interface PolyvApi extends BurstPort {
  /** Sends a call as planned (the plan holds the exact request of every action). */
  send(req: ApiRequest, o?: CallOptions): Promise<Delivered>;
  sendCustomMessage(p: SendCustomMessageParams, o?: CallOptions): Promise<void>;
  batchCheckin(items: readonly CheckinItem[], o?: CallOptions): Promise<void>;
  createChatExportTask(p: CreateChatExportTaskParams, o?: CallOptions): Promise<ChatExportTask>;
  /** One page, its strings decoded as ordinary text. */
  getSpeakList(p: GetSpeakListParams, o?: CallOptions): Promise<SpeakListPage>;
  /** One page whose records' strings hold the platform's UTF-8 bytes undecoded (see ByteString). */
  getSpeakListBytes(p: GetSpeakListParams, o?: CallOptions): Promise<SpeakListBytesPage>;
  /** Resolves to the xlsx URL; "Report is not ready yet" is a PolyvApiError the caller may retry. */
  exportSessionStats(p: ExportSessionStatsParams, o?: CallOptions): Promise<string>;
  /** GET an absolute http(s) URL (a file the platform points to); resolves to the body as a Node stream. */
  download(url: string, o?: CallOptions): Promise<Readable>;
  /** The account's userId (get-speak-list needs it). */
  readonly userId: string;
  close(): Promise<void>;
}
