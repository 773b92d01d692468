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
  const u = cachedUser(r.user).parsed;
  const row = [r.id, r.time, new Date(r.time).toISOString(), r.roomId, r.sessionId, r.msgType, r.content, r.image, u['nick'], u['userType'] ?? r.userType, u['userId'], u['actor'], u['clientIp'], r.quote];
  return `${row.map(csvField).join(',')}\r\n`;
}

/**
 * The same speakers post many messages: each distinct `user` string is parsed (and re-serialised)
 * once. Bounded, so memory stays constant however long the history is.
 */
const userCache = new Map<string, { parsed: Record<string, unknown>; json: string }>();
const USER_CACHE_MAX = 10_000;

function cachedUser(user: string): { parsed: Record<string, unknown>; json: string } {
  let hit = userCache.get(user);
  if (!hit) {
    if (userCache.size >= USER_CACHE_MAX) userCache.clear();
    const parsed = parseUser(user);
    hit = { parsed, json: JSON.stringify(parsed) };
    userCache.set(user, hit);
  }
  return hit;
}

/**
 * JSON Lines: the record as the platform sent it, with `user` parsed into an object (spliced in as
 * JSON from the cache, as the last key).
 */
export function jsonlRow(r: SpeakRecord): string {
  // JSON.stringify leaves out a key whose value is undefined: blanking `user` for the call is what a
  // copy without it would give, without the copy (a million records make the copies add up).
  const record = r as { user: string | undefined };
  const user = record.user;
  record.user = undefined;
  let head: string;
  try {
    head = JSON.stringify(r);
  } finally {
    record.user = user;
  }
  return `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"user":${cachedUser(user ?? '').json}}\n`;
}
