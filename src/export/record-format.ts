import { msg, type Msg } from '../i18n/index.js';
import type { SpeakRecord } from '../polyv/types.js';

export const CSV_COLUMNS = [
  'id',
  'time',
  'timeIso',
  'roomId',
  'sessionId',
  'msgType',
  'content',
  'image',
  'nick',
  'userType',
  'userId',
  'actor',
  'clientIp',
  'quote',
] as const;

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

/** The `user` field is a JSON string; its useful parts become columns. Undefined when it is not a JSON object. */
export function parseUser(user: unknown): Record<string, unknown> | undefined {
  if (typeof user !== 'string') return undefined;
  try {
    const u = JSON.parse(user) as unknown;
    return typeof u === 'object' && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What keeps a record from being read as documented, if anything. Such a record is still written
 * (as it came, where the format allows) and counted: a history export never stops on one bad record,
 * and never drops one silently.
 */
export function recordProblem(r: unknown): Msg | undefined {
  return shapeProblem(r) ?? (cachedUser((r as Record<string, unknown>)['user']) === undefined ? msg('error.export.record.userNotJson') : undefined);
}

/** shapeProblem's answer for an entry that is not a record at all (nothing of it can be written). */
export const NOT_AN_OBJECT = msg('error.export.record.notObject');

/** recordProblem without the `user` check (the exporter looks its speaker up once, for the row). */
export function shapeProblem(r: unknown): Msg | undefined {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return NOT_AN_OBJECT;
  const rec = r as Record<string, unknown>;
  if (typeof rec['id'] !== 'string' && typeof rec['id'] !== 'number') return NO_ID;
  if (typeof rec['time'] !== 'number' || !Number.isFinite(rec['time'])) return NO_TIME;
  return undefined;
}

const NO_ID = msg('error.export.record.noId');
const NO_TIME = msg('error.export.record.noTime');

/** ISO 8601 of an epoch-ms time, or '' when there is no valid time. */
function isoTime(t: unknown): string {
  if (typeof t !== 'number') return '';
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function csvRow(r: SpeakRecord, speaker: Speaker | undefined = speakerOf(r)): string {
  const u = speaker?.parsed ?? {};
  const row = [
    r.id,
    r.time,
    isoTime(r.time),
    r.roomId,
    r.sessionId,
    r.msgType,
    r.content,
    r.image,
    u['nick'],
    u['userType'] ?? r.userType,
    u['userId'],
    u['actor'],
    u['clientIp'],
    r.quote,
  ];
  return `${row.map(csvField).join(',')}\r\n`;
}

/**
 * The same speakers post many messages: each distinct `user` string is parsed (and re-serialised)
 * once. Bounded, so memory stays constant however long the history is.
 */
const userCache = new Map<string, Speaker | undefined>();
const USER_CACHE_MAX = 10_000;

/** A record's `user`, parsed (and serialised again for JSONL). */
export interface Speaker {
  readonly parsed: Record<string, unknown>;
  readonly json: string;
}

/** The record's speaker, or undefined when its `user` is not a JSON object. */
export function speakerOf(r: SpeakRecord): Speaker | undefined {
  return cachedUser(r.user);
}

function cachedUser(user: unknown): Speaker | undefined {
  if (typeof user !== 'string') return undefined;
  const known = userCache.get(user);
  if (known !== undefined || userCache.has(user)) return known;
  if (userCache.size >= USER_CACHE_MAX) userCache.clear();
  const parsed = parseUser(user);
  const hit = parsed ? { parsed, json: JSON.stringify(parsed) } : undefined;
  userCache.set(user, hit);
  return hit;
}

/**
 * JSON Lines: the record as the platform sent it, with `user` parsed into an object (spliced in as
 * JSON from the cache, as the last key). A `user` that is not a JSON object is kept as it came.
 */
export function jsonlRow(r: SpeakRecord, speaker: Speaker | undefined = speakerOf(r)): string {
  const user = speaker;
  if (!user) return `${JSON.stringify(r)}\n`;
  // JSON.stringify leaves out a key whose value is undefined: blanking `user` for the call is what a
  // copy without it would give, without the copy (a million records make the copies add up).
  const record = r as { user: string | undefined };
  const raw = record.user;
  record.user = undefined;
  let head: string;
  try {
    head = JSON.stringify(r);
  } finally {
    record.user = raw;
  }
  return `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"user":${user.json}}\n`;
}
