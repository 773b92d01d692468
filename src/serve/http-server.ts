import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../core/errors.js';
import { formatMessage, msg, type Language, type Msg } from '../i18n/index.js';
import type { ControlRecord } from '../journal/records.js';
import { lessonDetail, lessonSummary, rejectionJson } from './api-json.js';
import { ControlRefused, type Lesson } from './lesson.js';
import { pageHtml, PAGE_SCRIPT, PAGE_STYLE } from './page/assets.js';
import { apiLanguage, langCookie, pageLanguage } from './request-language.js';
import { hasToken, isLoopback, untrusted } from './security.js';
import { EventStream } from './event-stream.js';
import type { Term } from './term.js';
import { lessonTimelineSvg } from './timeline-model.js';

export interface ServeHttpOptions {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  /** The language of answers to requests that name none (the CLI's). */
  readonly lang: Language;
  readonly now: () => number;
}

export interface ServeHttp {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 4096;
const CONTROLS: Record<string, ControlRecord['control']> = { pause: 'pause', resume: 'resume', skip: 'skip', 'send-now': 'send-now' };

/**
 * The JSON API, the event stream and the page, on one port. Nothing it answers holds a credential:
 * the views carry the plan's calls with `appId`, `timestamp` and `sign` as placeholders.
 */
export async function startServeHttp(term: Term, o: ServeHttpOptions): Promise<ServeHttp> {
  const events = new EventStream(term, o.now);
  const loopbackOnly = isLoopback(o.host);
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: 'internal', message: err instanceof Error ? err.message : String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const lang = apiLanguage(req, url, o.lang);
    const fail = (status: number, error: string, m: Msg): void => send(res, status, { error, message: formatMessage(m, lang) });
    const why = untrusted(req, { loopbackOnly });
    if (why) return fail(403, 'forbidden', why);
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      const page = pageLanguage(req, url, o.lang);
      if (page.remember) res.setHeader('Set-Cookie', langCookie(page.lang));
      res.setHeader('Vary', 'Accept-Language, Cookie');
      res.setHeader('Content-Language', page.lang);
      return asset(res, pageHtml(page.lang), 'text/html; charset=utf-8');
    }
    if (req.method === 'GET' && path === '/app.js') return asset(res, PAGE_SCRIPT, 'text/javascript; charset=utf-8');
    if (req.method === 'GET' && path === '/app.css') return asset(res, PAGE_STYLE, 'text/css; charset=utf-8');
    if (!path.startsWith('/api/')) return fail(404, 'not-found', msg('serve.http.noPage', { path }));
    if (o.token && !hasToken(req, o.token)) return fail(401, 'unauthorized', msg('serve.http.needsToken'));
    res.setHeader('Cache-Control', 'no-store');
    const parts = path.split('/').slice(2).map(decodeURIComponent);
    if (req.method === 'GET') {
      if (parts[0] === 'events' && parts.length === 1) return events.attach(req, res, lang);
      if (parts[0] === 'lessons' && parts.length === 1) {
        const all = [...term.lessons.values()].sort((a, b) => a.outline.event.start - b.outline.event.start);
        const window = lessonWindow(all, o.now(), url.searchParams);
        return send(res, 200, {
          now: o.now(),
          lessons: window.lessons.map(lessonSummary),
          ...(window.more ? { more: window.more } : {}),
          rejected: [...term.rejected.values()].map((r) => rejectionJson(r, lang)),
          templates: [...term.templates].map((t) => term.display(t)),
        });
      }
      if (parts[0] === 'diagnostics' && parts.length === 1) return send(res, 200, { rejected: [...term.rejected.values()].map((r) => rejectionJson(r, lang)) });
      if (parts[0] === 'lessons' && parts.length === 2) {
        const l = term.byId(parts[1]!);
        return l
          ? send(res, 200, { now: o.now(), ...lessonDetail(l, lang), refused: l.refused })
          : fail(404, 'not-found', msg('serve.http.noLesson', { id: parts[1]! }));
      }
      if (parts[0] === 'lessons' && parts.length === 3 && parts[2] === 'timeline.svg') {
        const l = term.byId(parts[1]!);
        if (!l) return fail(404, 'not-found', msg('serve.http.noLesson', { id: parts[1]! }));
        res.writeHead(200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Content-Language': lang });
        res.end(lessonTimelineSvg(l, o.now(), lang));
        return;
      }
    }
    if (req.method === 'POST' && parts[0] === 'lessons') {
      const l = term.byId(parts[1] ?? '');
      const control = CONTROLS[parts.length === 3 ? parts[2]! : parts.length === 5 && parts[2] === 'actions' ? parts[4]! : ''];
      const action = parts.length === 5 ? parts[3] : undefined;
      const lessonLevel = control === 'pause' || control === 'resume';
      if (!l || !control || lessonLevel !== (action === undefined)) return fail(404, 'not-found', msg('serve.http.noControl', { path }));
      const body = await readJson(req);
      if (body === undefined) return fail(400, 'bad-request', msg('serve.http.badBody'));
      const who = whoOf(body['who'], req);
      try {
        const record = await l.control(control, who, action);
        return send(res, 200, { ok: true, record, lesson: lessonSummary(l) });
      } catch (err) {
        if (err instanceof ControlRefused) return fail(err.status, 'refused', err.text);
        throw err;
      }
    }
    return fail(req.method === 'GET' || req.method === 'POST' ? 404 : 405, 'not-found', msg('serve.http.noEndpoint', { method: req.method ?? '', path }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // A busy port or an address this machine does not have is the caller's to fix, not a bug.
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
        reject(
          new UsageError(
            msg('serve.http.cannotListen', {
              host: o.host,
              port: String(o.port),
              reason: err.code === 'EADDRINUSE' ? msg('serve.http.portInUse') : err.message,
            }),
          ),
        );
      else reject(err);
    });
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}/`,
    close: async () => {
      events.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Lessons whose start is within this of now (or that are running) count as today's. */
const DAY_MS = 18 * 3_600_000;

/**
 * `?upcoming=N&earlier=N`: today's lessons (started or starting within 18 h, or not finished and
 * past their start), the next N after them and the last N before them, and how many more there are —
 * so that the page of a term of thousands of lessons stays small. Without them: every lesson.
 */
function lessonWindow(all: readonly Lesson[], now: number, q: URLSearchParams): { lessons: Lesson[]; more?: { upcoming: number; earlier: number } } {
  const n = (k: string): number | undefined => (q.has(k) ? Math.max(0, Math.min(10_000, Number(q.get(k)) || 0)) : undefined);
  const upcomingN = n('upcoming');
  const earlierN = n('earlier');
  if (upcomingN === undefined && earlierN === undefined) return { lessons: [...all] };
  const today = (l: Lesson): boolean =>
    Math.abs(l.outline.event.start - now) <= DAY_MS || l.phase === 'running' || l.phase === 'paused' || l.phase === 'locked';
  const upcoming = all.filter((l) => !today(l) && l.outline.event.start > now);
  const earlier = all.filter((l) => !today(l) && l.outline.event.start <= now);
  const u = upcoming.slice(0, upcomingN ?? upcoming.length);
  const e = earlier.slice(Math.max(0, earlier.length - (earlierN ?? earlier.length)));
  return { lessons: [...e, ...all.filter(today), ...u], more: { upcoming: upcoming.length - u.length, earlier: earlier.length - e.length } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function asset(res: ServerResponse, text: string, type: string): void {
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache',
    // i18n-exempt: a header value, read by the browser
    'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Who asked: the name the page sends (trimmed, at most 64 printable characters) and the address it came from. */
function whoOf(name: unknown, req: IncomingMessage): string {
  const addr = req.socket.remoteAddress ?? 'unknown';
  const clean =
    typeof name === 'string'
      ? name
          .replace(/[\p{Cc}\p{Cf}]/gu, '')
          .trim()
          .slice(0, 64)
      : '';
  return clean ? `${clean} (${addr})` : addr;
}
