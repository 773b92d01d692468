import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Language } from '../i18n/index.js';
import { actionJson, lessonSummary, rejectionJson } from './api-json.js';
import type { Term, TermEvent } from './term.js';

/** A comment line this often keeps proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events (`GET /api/events`): `lesson` (a lesson's summary changed), `action` (one
 * action's view changed), `rejected` (a file's change did not validate), `accepted` (a file
 * validates again). Each `data:` is one JSON object, its human texts in the language the client
 * asked for when it connected (see apiLanguage).
 */
export class EventStream {
  private readonly clients = new Map<ServerResponse, Language>();
  private readonly off: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    term: Term,
    private readonly now: () => number,
  ) {
    this.off = term.on((e) => this.broadcast(e));
    this.heartbeat = setInterval(() => {
      for (const c of this.clients.keys()) c.write(`: ${this.now()}\n\n`);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  attach(req: IncomingMessage, res: ServerResponse, lang: Language): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`event: hello\ndata: ${JSON.stringify({ now: this.now() })}\n\n`);
    this.clients.set(res, lang);
    req.on('close', () => this.clients.delete(res));
  }

  close(): void {
    this.off();
    clearInterval(this.heartbeat);
    for (const c of this.clients.keys()) c.end();
    this.clients.clear();
  }

  private broadcast(e: TermEvent): void {
    if (this.clients.size === 0) return;
    // Formatted once per language among the clients (two at most), not once per client.
    const texts = new Map<Language, string>();
    const textIn = (lang: Language): string => {
      let text = texts.get(lang);
      if (text === undefined) {
        const data =
          e.type === 'lesson'
            ? lessonSummary(e.lesson)
            : e.type === 'action'
              ? { lesson: e.lesson.id, action: actionJson(e.action, lang), summary: lessonSummary(e.lesson) }
              : e.type === 'rejected'
                ? rejectionJson(e.rejection, lang)
                : { file: e.display };
        text = `event: ${e.type}\ndata: ${JSON.stringify({ ...data, now: this.now() })}\n\n`;
        texts.set(lang, text);
      }
      return text;
    };
    for (const [c, lang] of this.clients) c.write(textIn(lang));
  }
}
