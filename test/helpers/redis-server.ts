import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A real `redis-server` (Debian's package) for the cluster tests: its own process on a free loopback
 * port, its own temporary folder, no persistence unless asked. Nothing is mocked — the tests that
 * need Redis fail (never skip) when it is missing, because `.ci/run` installs it.
 */
export interface RedisServer {
  /** `redis://127.0.0.1:PORT` — what `runbook serve --redis` takes. */
  readonly url: string;
  readonly port: number;
  /** The folder Redis runs in (its `dir`): the AOF lives here when persistence is on. */
  readonly dir: string;
  /** SIGTERM and wait for the exit (a clean shutdown; with `persist`, the data survives a restart). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: the outage a crashed or unplugged machine causes. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (stopping it first if it still runs); resolves on PING. */
  restart(): Promise<void>;
  /**
   * Freezes the process (SIGSTOP) for `ms`, then lets it go on (SIGCONT): connections stay open but
   * nothing answers — the shape of a network partition, as opposed to a refused connection.
   */
  pause(ms: number): Promise<void>;
  /** Stops it (SIGTERM) and removes its folder: for `afterAll`. */
  close(): Promise<void>;
  /** Whether the process is running now. */
  readonly running: boolean;
  /** What redis-server printed (its log goes to stdout), for a failing test's message. */
  output(): string;
}

export interface RedisServerOptions {
  /** Append-only file with fsync on every write, so `stop`/`kill` + `restart` keep the data. Default: none. */
  readonly persist?: boolean;
  /** How long to wait for PING after a start. Default 10 s (a loaded 2-core machine). */
  readonly startTimeoutMs?: number;
}

/** Where redis-server is: `$RUNBOOK_REDIS_SERVER`, then `$PATH`, then Debian's /usr/bin. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env, fallbacks: readonly string[] = ['/usr/bin/redis-server']): string {
  const candidates = [env['RUNBOOK_REDIS_SERVER'], ...(env['PATH'] ?? '').split(delimiter).map((d) => (d ? join(d, 'redis-server') : undefined)), ...fallbacks];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not this one
    }
  }
  throw new Error(
    'redis-server was not found (looked at $RUNBOOK_REDIS_SERVER, $PATH and /usr/bin/redis-server): ' +
      "the cluster tests need a real Redis — install Debian's redis-server (`apt-get install redis-server`).",
  );
}

/** A port the kernel just gave out on loopback (free now; Redis binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true on `+PONG` within `timeoutMs`. */
export function ping(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.on('data', (c: Buffer) => {
      reply += c.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

const live = new Set<ChildProcess>();
const folders = new Set<string>();
let exitHookInstalled = false;
/** A test process that ends (normally or by an uncaught error) takes its Redis servers with it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
    for (const d of folders) rmSync(d, { recursive: true, force: true });
  });
}

function args(port: number, dir: string, persist: boolean): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--protected-mode',
    'yes',
    '--dir',
    dir,
    '--save',
    '',
    ...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    '--daemonize',
    'no',
    '--logfile',
    '',
    '--loglevel',
    'warning',
  ];
}

/** Starts a redis-server and resolves once it answers PING. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = findRedisServer();
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'rb-redis-'));
  folders.add(dir);
  const persist = options.persist ?? false;
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let log = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (port: number): Promise<void> => {
    const c = spawn(bin, args(port, dir, persist), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    live.add(c);
    let gone = false;
    exited = new Promise((resolve) =>
      c.once('exit', (code, signal) => {
        gone = true;
        live.delete(c);
        log += `[redis-server exited: ${signal ?? code}]\n`;
        resolve();
      }),
    );
    c.stdout!.on('data', (b: Buffer) => (log += b.toString()));
    c.stderr!.on('data', (b: Buffer) => (log += b.toString()));
    c.once('error', (err) => (log += `[spawn error: ${err.message}]\n`));
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (gone) throw new Error(`redis-server on port ${port} exited while starting:\n${log}`);
      if (await ping(port, 500)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    c.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not answer PING within ${startTimeoutMs} ms:\n${log}`);
  };

  // Another process can take the free port before Redis binds it: try a few ports, not forever.
  let port = 0;
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    try {
      await launch(port);
      break;
    } catch (err) {
      await exited;
      if (attempt >= 3) throw err;
    }
  }

  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (!running()) return;
    child!.kill('SIGCONT'); // a paused process would not act on SIGTERM
    child!.kill(sig);
    await exited;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get running() {
      return running();
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await launch(port);
    },
    pause: async (ms) => {
      if (!running()) throw new Error('redis-server is not running: nothing to pause');
      const c = child!;
      c.kill('SIGSTOP');
      try {
        await new Promise((r) => setTimeout(r, ms));
      } finally {
        c.kill('SIGCONT');
      }
    },
    close: async () => {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      folders.delete(dir);
    },
    output: () => log,
  };
}
