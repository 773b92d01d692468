import type { Readable } from 'node:stream';
import type { CheckinItem, ChatExportTask, CreateChatExportTaskParams, ExportSessionStatsParams, GetSpeakListParams, SendCustomMessageParams, SpeakListPage } from '../polyv/types.js';

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
  batchCheckin(items: readonly CheckinItem[], o?: CallOptions): Promise<void>;
  createChatExportTask(p: CreateChatExportTaskParams, o?: CallOptions): Promise<ChatExportTask>;
  getSpeakList(p: GetSpeakListParams, o?: CallOptions): Promise<SpeakListPage>;
  /** Resolves to the xlsx URL; "Report is not ready yet" is a PolyvApiError the caller may retry. */
  exportSessionStats(p: ExportSessionStatsParams, o?: CallOptions): Promise<string>;
  /** GET an absolute URL (a file the platform points to); resolves to the body as a Node stream. */
  download(url: string, o?: CallOptions): Promise<Readable>;
  /** The account's userId (get-speak-list needs it). */
  readonly userId: string;
  close(): Promise<void>;
}
