import type { IncomingMessage, ServerResponse } from 'node:http';
import { actionJson, lessonSummary, rejectionJson } from './api-json.js';
import type { Term, TermEvent } from './term.js';

/** A comment line this often keeps proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events (`GET /api/events`): `lesson` (a lesson's summary changed), `action` (one
 * action's view changed), `rejected` (a file's change did not validate), `accepted` (a file
 * validates again). Each `data:` is one JSON object.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly off: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    term: Term,
    private readonly now: () => number,
  ) {
    this.off = term.on((e) => this.broadcast(e));
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(`: ${this.now()}\n\n`);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`event: hello\ndata: ${JSON.stringify({ now: this.now() })}\n\n`);
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  close(): void {
    this.off();
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private broadcast(e: TermEvent): void {
    if (this.clients.size === 0) return;
    const data =
      e.type === 'lesson'
        ? lessonSummary(e.lesson)
        : e.type === 'action'
          ? { lesson: e.lesson.id, action: actionJson(e.action), summary: lessonSummary(e.lesson) }
          : e.type === 'rejected'
            ? rejectionJson(e.rejection)
            : { file: e.display };
    const text = `event: ${e.type}\ndata: ${JSON.stringify({ ...data, now: this.now() })}\n\n`;
    for (const c of this.clients) c.write(text);
  }
}
