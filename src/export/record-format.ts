import type { SpeakRecord } from '../polyv/types.js';

export const CSV_COLUMNS = ['id', 'time', 'timeIso', 'roomId', 'sessionId', 'msgType', 'content', 'image', 'nick', 'userType', 'userId', 'actor', 'clientIp', 'quote'] as const;

/** Excel opens a UTF-8 CSV with Chinese text correctly only with a byte-order mark. */
export const CSV_BOM = '\uFEFF';

export function csvHeader(): string {
  return `${CSV_BOM}${CSV_COLUMNS.join(',')}\r\n`;
}

/** RFC 4180 quoting: fields with a comma, quote, CR or LF are quoted, quotes doubled. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The `user` field is a JSON string; its useful parts become columns. A malformed one leaves them empty. */
export function parseUser(user: string): Record<string, unknown> {
  try {
    const u = JSON.parse(user) as unknown;
    return typeof u === 'object' && u !== null ? (u as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function csvRow(r: SpeakRecord): string {
  const u = parseUser(r.user);
  const row = [r.id, r.time, new Date(r.time).toISOString(), r.roomId, r.sessionId, r.msgType, r.content, r.image, u['nick'], u['userType'] ?? r.userType, u['userId'], u['actor'], u['clientIp'], r.quote];
  return `${row.map(csvField).join(',')}\r\n`;
}

/** JSON Lines: the record as the platform sent it, with `user` parsed into an object. */
export function jsonlRow(r: SpeakRecord): string {
  return `${JSON.stringify({ ...r, user: parseUser(r.user) })}\n`;
}
