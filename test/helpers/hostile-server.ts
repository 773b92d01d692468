import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Polyv-like server that misbehaves on purpose: each test says how it answers. It checks no
 * signature (the client under test signs as always) and keeps a log of what was asked. For the
 * faults the sandbox does not model — answers that lie, pages that never end — without touching it.
 */
export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: string;
}

export interface HostileReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  readonly body: unknown;
}

export type HostileHandler = (req: HostileRequest, res: ServerResponse) => HostileReply | undefined | Promise<HostileReply | undefined>;

export interface HostileServer {
  readonly url: string;
  readonly requests: HostileRequest[];
  close(): Promise<void>;
}

/** A success in the v3 envelope (get-speak-list, create-task, stats export). */
export const v3 = (data: unknown): HostileReply => ({ body: { code: 200, status: 'success', message: '', data } });
/** A success in the v4 envelope (send-custom-message, batch-checkin). */
export const v4 = (data: unknown = true): HostileReply => ({ body: { code: 200, status: 'success', success: true, requestId: 'r1', data } });

export const SPEAK_LIST = '/live/v3/user/chat/get-speak-list';
export const SEND_MESSAGE = '/live/v4/chat/send-custom-message/encode';
export const BATCH_CHECKIN = '/live/v4/chat/batch-checkin';

/** A chat record as the platform documents it. */
export function speakRecord(id: string, roomId: string, time: number, content = `message ${id}`): Record<string, unknown> {
  return {
    id,
    roomId,
    content,
    user: JSON.stringify({ nick: `student ${id}`, userType: 'student', userId: `u${id}` }),
    image: '',
    time,
    clientIP: '127.0.0.1',
    msgType: null,
    sessionId: null,
    quote: null,
    accountId: 'acc',
  };
}

/**
 * Starts the server on loopback, port 0. The handler may answer (a reply), or write to `res` itself
 * and return undefined (to stall, or to break the connection). Unhandled paths get a v4 success.
 */
export async function startHostileServer(handler: HostileHandler): Promise<HostileServer> {
  const requests: HostileRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      const r: HostileRequest = { method: req.method ?? 'GET', path: u.pathname, query: Object.fromEntries(u.searchParams), body };
      requests.push(r);
      Promise.resolve(handler(r, res))
        .then((reply) => {
          if (!reply) return;
          const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
          res.end(text);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
