import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny loopback server for what the sandbox does not do on purpose: HTML error pages from a
 * "gateway", redirect chains for downloads. Everything the platform does is tested against the sandbox.
 */
export interface ScriptedServer {
  readonly url: string;
  /** Request paths (with query), in arrival order. */
  readonly hits: string[];
  close(): Promise<void>;
}

export async function scriptedServer(handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void): Promise<ScriptedServer> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => handler(req, res, hits.length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON answer with a Date header, as the platform sends. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', date: new Date().toUTCString() });
  res.end(JSON.stringify(body));
}
