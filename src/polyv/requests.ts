import { dropEmpty } from './sign.js';
import {
  Endpoints,
  type CheckinItem,
  type CreateChatExportTaskParams,
  type EndpointName,
  type ExportSessionStatsParams,
  type GetSpeakListParams,
  type SendCustomMessageParams,
} from './types.js';

/**
 * A call described as data, before credentials are attached. `signed` holds the business parameters
 * that are signed together with appId and timestamp; `signedIn` says where they travel. `form` holds
 * unsigned form fields (message content), `json` an unsigned JSON body (batch check-in).
 * The plan prints this; the client signs and sends it; the sandbox parses the same shape back.
 */
export interface ApiRequest {
  readonly endpoint: EndpointName;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly signed: Readonly<Record<string, string>>;
  readonly signedIn: 'query' | 'form';
  readonly form?: Readonly<Record<string, string>>;
  readonly json?: unknown;
}

/** UTF-8 → URL-safe base64 (RFC 4648 §5) without padding, as Apache commons' encodeBase64URLSafe does. */
export function encodeMessageContent(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function sendCustomMessageRequest(p: SendCustomMessageParams): ApiRequest {
  const e = Endpoints.sendCustomMessage;
  const form = dropEmpty({
    content: p.content === undefined || p.content === '' ? undefined : encodeMessageContent(p.content),
    imgUrl: p.imgUrl,
  });
  return {
    endpoint: 'sendCustomMessage',
    method: e.method,
    path: e.path,
    signed: dropEmpty({ channelId: p.channelId, joinHistoryList: p.joinHistoryList, watchType: p.watchType }),
    signedIn: 'query',
    form,
  };
}

export function batchCheckinRequest(items: readonly CheckinItem[]): ApiRequest {
  const e = Endpoints.batchCheckin;
  // channelId travels as a number, as in the platform's example; empty fields are left out.
  const json = items.map((i) => {
    const o: Record<string, unknown> = { channelId: /^\d+$/.test(i.channelId) ? Number(i.channelId) : i.channelId };
    if (i.limitTime !== undefined) o['limitTime'] = i.limitTime;
    if (i.delayTime !== undefined) o['delayTime'] = i.delayTime;
    if (i.message !== undefined && i.message !== '') o['message'] = i.message;
    return o;
  });
  return { endpoint: 'batchCheckin', method: e.method, path: e.path, signed: {}, signedIn: 'query', json };
}

export function createChatExportTaskRequest(p: CreateChatExportTaskParams): ApiRequest {
  const e = Endpoints.createChatExportTask;
  return { endpoint: 'createChatExportTask', method: e.method, path: e.path, signed: dropEmpty({ channelId: p.channelId }), signedIn: 'form' };
}

export function getSpeakListRequest(p: GetSpeakListParams): ApiRequest {
  const e = Endpoints.getSpeakList;
  return {
    endpoint: 'getSpeakList',
    method: e.method,
    path: e.path,
    signed: dropEmpty({ userId: p.userId, startTime: p.startTime, endTime: p.endTime, cursor: p.cursor, size: p.size }),
    signedIn: 'query',
  };
}

export function exportSessionStatsRequest(p: ExportSessionStatsParams): ApiRequest {
  const e = Endpoints.exportSessionStats;
  return {
    endpoint: 'exportSessionStats',
    method: e.method,
    path: e.path,
    signed: dropEmpty({ channelId: p.channelId, sessionId: p.sessionId }),
    signedIn: 'query',
  };
}
