/**
 * The five Polyv endpoints runbook uses, as typed values. Shared by the plan (to show the exact call),
 * the client (to make it) and the sandbox (to serve it). Source: ../shared/polyv-api/.
 */

export const Endpoints = {
  sendCustomMessage: { method: 'POST', path: '/live/v4/chat/send-custom-message/encode', version: 4, mutating: true },
  batchCheckin: { method: 'POST', path: '/live/v4/chat/batch-checkin', version: 4, mutating: true },
  createChatExportTask: { method: 'POST', path: '/live/v3/channel/chat/content/create-task', version: 3, mutating: true },
  getSpeakList: { method: 'GET', path: '/live/v3/user/chat/get-speak-list', version: 3, mutating: false },
  exportSessionStats: { method: 'GET', path: '/live/v3/channel/session/stats/export', version: 3, mutating: false },
} as const;

export type EndpointName = keyof typeof Endpoints;

/** 1: everyone in the channel; 2: viewers only; 3: special roles (teacher, guest, assistant, admin). */
export type WatchType = 1 | 2 | 3;

export interface SendCustomMessageParams {
  readonly channelId: string;
  /** Plain text; the request builder encodes it as URL-safe base64 (the platform's limit is 1500 encoded chars). */
  readonly content?: string;
  readonly imgUrl?: string;
  readonly joinHistoryList?: 0 | 1;
  readonly watchType?: WatchType;
}

export interface CheckinItem {
  readonly channelId: string;
  /** Seconds, 0–9999; 0 or absent means "immediately, no limit". */
  readonly limitTime?: number;
  /** 13-digit ms epoch at which the check-in starts. */
  readonly delayTime?: number;
  readonly message?: string;
}

export interface CreateChatExportTaskParams {
  readonly channelId: string;
}

export type ChatExportStatus = 'todo' | 'doing' | 'done';

export interface ChatExportTask {
  readonly status: ChatExportStatus;
  readonly url?: string;
  readonly lastExportTime?: number;
}

export interface GetSpeakListParams {
  readonly userId: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly cursor?: string;
  /** 1–1000; the platform's default is 10. */
  readonly size?: number;
}

export interface SpeakRecord {
  readonly id: string;
  readonly roomId: string;
  readonly content: string;
  /** A JSON string describing the speaker (nick, userType, ...). */
  readonly user: string;
  readonly image: string;
  readonly time: number;
  readonly clientIP: string;
  readonly msgType: string | null;
  readonly userType?: string;
  readonly sessionId: string | null;
  readonly quote: string | null;
  readonly accountId: string;
}

export interface SpeakListPage {
  readonly size: number;
  readonly cursor: string;
  readonly list: readonly SpeakRecord[];
}

/**
 * A *byte string*: each character is one byte of the UTF-8 the platform sent (read as latin1). Parsed
 * as JSON it gives the same structure as the text; written back with the `latin1` encoding it gives
 * exactly the bytes that came in. Not text: `bytesToText` (src/transport/body-text.ts) decodes it for
 * reading. Branded so that it is never taken for text by accident.
 */
export type ByteString = string & { readonly __byteString: unique symbol };

/** A chat record whose strings are byte strings (see ByteString). */
export type SpeakRecordBytes = {
  readonly [K in keyof SpeakRecord]: SpeakRecord[K] extends string
    ? ByteString
    : SpeakRecord[K] extends string | null
      ? ByteString | null
      : SpeakRecord[K] extends string | undefined
        ? ByteString | undefined
        : SpeakRecord[K];
};

/**
 * A page asked for as bytes (history export): its records come as byte strings when that is exact
 * (`textAs: 'bytes'`), otherwise as ordinary text (`textAs: 'utf8'`; see decodeBody).
 */
export type SpeakListBytesPage =
  | { readonly size: number; readonly cursor: string; readonly textAs: 'bytes'; readonly list: readonly SpeakRecordBytes[] }
  | { readonly size: number; readonly cursor: string; readonly textAs: 'utf8'; readonly list: readonly SpeakRecord[] };

/** How an answer's body was decoded: ordinary text, or byte strings (see ByteString). */
export type BodyText = 'utf8' | 'bytes';

export interface ExportSessionStatsParams {
  readonly channelId: string;
  readonly sessionId: string;
}

/** The v3 envelope: `{code, status, message, data}`. */
export interface V3Envelope<T> {
  readonly code: number;
  readonly status: 'success' | 'error';
  readonly message: string;
  readonly data: T;
}

/** The v4 envelope: `{code, status, success, requestId, data, error: {code, desc}}`. */
export interface V4Envelope<T> {
  readonly code: number;
  readonly status: 'success' | 'error';
  readonly success: boolean;
  readonly requestId: string;
  readonly data?: T;
  readonly error?: { readonly code: number; readonly desc: string };
}
