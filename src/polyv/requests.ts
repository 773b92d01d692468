import { canonicalChannelId } from './channel-id.js';
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
 * unsigned form fields (message content). A JSON body (batch check-in) is `jsonBody`, the exact text
 * sent; `json` is the same body as data for reading (channel ids as strings of digits, exact).
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
  /** The exact JSON text of the body; present whenever `json` is. */
  readonly jsonBody?: string;
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
  // channelId travels as a JSON number, as in the platform's example; empty fields are left out. The
  // body is written by hand so that an id of up to 20 digits is sent digit for digit (JSON.stringify
  // of a JavaScript number would round it).
  const json: Record<string, unknown>[] = [];
  const parts: string[] = [];
  for (const i of items) {
    const channelId = canonicalChannelId(i.channelId);
    // i18n-exempt: an invariant (the plan refuses such ids with RB4006 first), never a user's mistake
    if (channelId === undefined) throw new TypeError(`batch-checkin: ${JSON.stringify(i.channelId)} is not a channel id`);
    const o: Record<string, unknown> = { channelId };
    let text = `{"channelId":${channelId}`;
    if (i.limitTime !== undefined) {
      o['limitTime'] = i.limitTime;
      text += `,"limitTime":${JSON.stringify(i.limitTime)}`;
    }
    if (i.delayTime !== undefined) {
      o['delayTime'] = i.delayTime;
      text += `,"delayTime":${JSON.stringify(i.delayTime)}`;
    }
    if (i.message !== undefined && i.message !== '') {
      o['message'] = i.message;
      text += `,"message":${JSON.stringify(i.message)}`;
    }
    json.push(o);
    parts.push(`${text}}`);
  }
  return { endpoint: 'batchCheckin', method: e.method, path: e.path, signed: {}, signedIn: 'query', json, jsonBody: `[${parts.join(',')}]` };
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
