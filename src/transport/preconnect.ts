import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/** How long an opened socket waits for a request before it is closed unused. */
const IDLE_MS = 10_000;

/**
 * undici's connect hook with a stock of sockets opened ahead of need. A burst of sends due at one
 * instant would otherwise wait for a connection (on the real platform, a TCP and TLS handshake) per
 * call; `open(n)` makes the handshakes a couple of seconds earlier, and the pool's new connections
 * take these sockets instead of dialling. Opening a socket sends no HTTP request, so it costs nothing
 * against the platform's rate limit.
 *
 * Only the API origin is stocked; anything else (downloads from a file host) connects as usual. A
 * socket that closes while stocked is dropped, and one unused after IDLE_MS is closed, well inside
 * any server's wait for a first request, so a call is never written onto a socket the server gave up.
 */
export class WarmConnector {
  private readonly dial: buildConnector.connector;
  private readonly stock: Socket[] = [];
  private opening = 0;
  private readonly key: string;
  private readonly target: buildConnector.Options;
  private closed = false;

  constructor(origin: string, options: { readonly connectTimeoutMs: number; readonly dial?: buildConnector.connector }) {
    this.dial = options.dial ?? buildConnector({ timeout: options.connectTimeoutMs });
    const u = new URL(origin);
    const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    // The options undici's pool passes for this origin. It passes no servername for a plain https
    // origin; the connector then derives the TLS server name from the host, as it does here.
    this.target = { host: u.host, hostname, protocol: u.protocol, port: u.port };
    this.key = keyOf(this.target);
  }

  /** Sockets stocked or being opened. */
  get ready(): number {
    return this.stock.length + this.opening;
  }

  /** The hook given to undici's Agent as `connect`. */
  readonly connect: buildConnector.connector = (opts, callback) => {
    if (keyOf(opts) === this.key) {
      for (let s = this.stock.pop(); s; s = this.stock.pop()) {
        release(s);
        // Always called back later, never from inside the hook: undici calls the hook while resuming
        // its queue and ignores a resume from within (the request would sit unwritten until the
        // server timed the connection out).
        if (!s.destroyed && !s.readableEnded) return queueMicrotask(() => callback(null, s));
        s.destroy();
      }
    }
    this.dial(opts, callback);
  };

  /** Opens `n` more sockets to the origin in the background. Failures are ignored: the call dials as usual. */
  open(n: number): void {
    for (let i = 0; i < n && !this.closed; i += 1) {
      this.opening += 1;
      this.dial(this.target, (err, socket) => {
        this.opening -= 1;
        if (err || !socket) return;
        if (this.closed) return void socket.destroy();
        this.keep(socket);
      });
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.stock.splice(0)) {
      release(s);
      s.destroy();
    }
  }

  private keep(socket: Socket): void {
    const drop = (): void => {
      const i = this.stock.indexOf(socket);
      if (i >= 0) this.stock.splice(i, 1);
      release(socket);
      socket.destroy();
    };
    const timer = setTimeout(drop, IDLE_MS);
    timer.unref();
    // Stocked sockets must not keep the process alive, and an error or close while stocked only drops them.
    socket.unref();
    socket.on('error', drop);
    socket.on('close', drop);
    socket.on('end', drop);
    stockHooks.set(socket, { timer, drop });
    this.stock.push(socket);
  }
}

const stockHooks = new WeakMap<Socket, { timer: NodeJS.Timeout; drop: () => void }>();

/** Takes a socket out of the stock: its idle timer and listeners go, undici attaches its own. */
function release(socket: Socket): void {
  const h = stockHooks.get(socket);
  if (!h) return;
  stockHooks.delete(socket);
  clearTimeout(h.timer);
  socket.off('error', h.drop);
  socket.off('close', h.drop);
  socket.off('end', h.drop);
  socket.ref();
}

/**
 * Which connections are interchangeable: same scheme, host and port, and the same TLS server name
 * (none given means the host's own, which is what the connector then uses).
 */
function keyOf(o: buildConnector.Options): string {
  const hostname = o.hostname.startsWith('[') ? o.hostname.slice(1, -1) : o.hostname;
  const sni = o.servername && o.servername !== hostname ? o.servername : '';
  return `${o.protocol}//${hostname}:${o.port || (o.protocol === 'https:' ? '443' : '80')}|${sni}`;
}
