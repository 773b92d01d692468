import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRequest } from '../polyv/requests.js';
import type { PolyvApi } from './api.js';
import { Credentials } from './credentials.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * How many times the calls are rehearsed. Three made the first burst's code warm; ten also leave V8's
 * optimising compiler little to do during the lesson's first bursts: its background compiles, started
 * by the bursts themselves, took a core from the sends while they ran (seen in scheduler traces;
 * bench/README.md). Ten rounds of 100 calls take ~0.5 s, within the engine's 1 s budget.
 */
const DEFAULT_ROUNDS = 10;

/** The documented success envelope: what a stand-in answers to every call. */
const SUCCESS = Buffer.from('{"code":200,"status":"success","message":"","data":""}');

export interface RehearsalOptions {
  /** How many times the calls are sent (each round on fresh connections first, then reused ones). */
  readonly rounds?: number;
  readonly signal?: AbortSignal;
}

/**
 * A dress rehearsal of a burst, so that the first real one runs warm code. The first time a Node
 * process signs, encodes and hands a hundred calls to undici (new connection pool, a parser per
 * connection, undici's WebAssembly HTTP parser compiled, every function still interpreted), it takes
 * several times longer than the second time; at a lesson's first instant that is lateness.
 *
 * The calls are sent to a stand-in server inside this process, on loopback, that answers the
 * documented success envelope; they are signed with throwaway credentials (the account's secret is
 * not used) by a client built by `makeClient` with its own rate limiter. Nothing reaches the
 * platform, and its rate limit is not touched. Best effort: any failure only ends the rehearsal.
 */
export async function rehearse(requests: readonly ApiRequest[], makeClient: (baseUrl: string, credentials: Credentials, limiter: RateLimiter) => PolyvApi, o: RehearsalOptions = {}): Promise<void> {
  if (requests.length === 0) return;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': SUCCESS.length, Date: new Date().toUTCString() });
      res.end(SUCCESS);
    });
  });
  server.keepAliveTimeout = 10_000;
  // Every call in flight listens to the signal; a signal of its own, so the caller's is listened to once.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) stop.abort();
  let client: PolyvApi | undefined;
  try {
    await listen(server);
    const { port } = server.address() as AddressInfo;
    const credentials = new Credentials('rehearsal', randomBytes(16).toString('hex'), 'rehearsal', 'rehearsal');
    client = makeClient(`http://127.0.0.1:${port}`, credentials, new RateLimiter({ max: Number.MAX_SAFE_INTEGER, windowMs: 1000 }));
    const api = client;
    for (let round = 0; round < (o.rounds ?? DEFAULT_ROUNDS) && !stop.signal.aborted; round += 1) {
      api.preconnect(requests.length);
      // Let the connections open, as they would ahead of a real instant.
      await new Promise((resolve) => setTimeout(resolve, 20));
      // As at a real instant: signed and staged a moment ahead, then completed together.
      const calls = requests.map((r) => api.stage(api.prepare(r), { signal: stop.signal }));
      await new Promise((resolve) => setTimeout(resolve, 10));
      await Promise.all(calls.map((c) => c.send()));
    }
  } catch {
    // A rehearsal that fails changes nothing: the real calls are made as they would be anyway.
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await client?.close().catch(() => undefined);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
}
