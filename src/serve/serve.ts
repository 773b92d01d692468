import { platformClock, type EngineClock } from '../engine/clock.js';
import { connect, type Connection } from '../api/connection.js';
import { formatMessage, type Language, type Msg } from '../i18n/index.js';
import { measureClockOffset } from '../api/run.js';
import { startServeHttp } from './http-server.js';
import { loadToken } from './security.js';
import { Term } from './term.js';
import { watchTerm } from './watch.js';

export interface ServeOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly host: string;
  readonly port: number;
  readonly stateDir?: string;
  readonly sandbox?: boolean;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentialsFile?: string;
  readonly tokenFile?: string;
  readonly pid: number;
  readonly isAlive: (pid: number) => boolean;
  readonly log: (line: string) => void;
  /**
   * The language of the log (the CLI's, `ctx.lang`) and of the API and page when a request names
   * none (no `?lang=`, no `Accept-Language` runbook has).
   */
  readonly lang: Language;
  readonly clock?: EngineClock;
  /** Called as soon as the server listens, before the term is loaded (the CLI prints the URL first). */
  readonly onListening?: (url: string) => void;
}

export interface Serving {
  /** The page's address, e.g. http://127.0.0.1:8330/ */
  readonly url: string;
  readonly term: Term;
  readonly sandboxUrl?: string;
  /** Stops every lesson as Ctrl-C stops `run`, then the server; journals consistent, locks released. */
  close(): Promise<void>;
}

/**
 * `runbook serve`: the term under the paths, loaded, validated together and planned; each lesson run
 * at its time by one process, through one client (one rate limiter for all of it); the API and the
 * page on `host:port`; the files watched.
 */
export async function startServe(o: ServeOptions): Promise<Serving> {
  const lang = o.lang;
  const log = (m: Msg): void => o.log(formatMessage(m, lang));
  const token = loadToken({ env: o.env, host: o.host, ...(o.tokenFile ? { tokenFile: o.tokenFile } : {}) });
  const conn: Connection = await connect(o, { seedMessages: 50 });
  try {
    // As for `run`: the lessons run on the platform's clock, measured once here and corrected by
    // every answer's Date header after.
    if (!o.clock) await measureClockOffset(conn.client, AbortSignal.timeout(10_000));
    const clock = o.clock ?? platformClock(() => conn.client.clock.offset);
    const term = new Term({
      paths: o.paths,
      cwd: o.cwd,
      ...(o.stateDir ? { stateDir: o.stateDir } : {}),
      api: conn.client,
      clock,
      pid: o.pid,
      isAlive: o.isAlive,
      log,
    });
    const http = await startServeHttp(term, { host: o.host, port: o.port, ...(token ? { token } : {}), lang, now: () => clock.now() });
    o.onListening?.(http.url);
    try {
      term.load();
    } catch (err) {
      await http.close();
      throw err;
    }
    const watcher = watchTerm(term, o.paths, o.cwd, log);
    term.start();
    return {
      url: http.url,
      term,
      ...(conn.sandbox ? { sandboxUrl: conn.sandbox.url } : {}),
      close: async () => {
        watcher.close();
        await term.stop();
        await http.close();
        await conn.close();
      },
    };
  } catch (err) {
    await conn.close();
    throw err;
  }
}
