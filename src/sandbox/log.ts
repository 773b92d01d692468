import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * One JSON line per request the sandbox received: when (ms epoch, at the request's last byte), what
 * (endpoint, decoded business parameters — never the secret; the signature only as `signOk`), and what it did (applied, rejected with a code, fault injected).
 */
export interface SandboxLogEntry {
  readonly seq: number;
  readonly receivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly endpoint?: string;
  readonly params?: Record<string, unknown>;
  readonly signOk?: boolean;
  readonly status?: number;
  readonly code?: number;
  readonly effect: 'applied' | 'rejected' | 'served' | 'fault' | 'not-found';
  readonly message?: string;
  readonly fault?: string;
}

/** How often a log file is appended to (see SandboxLog). */
const FLUSH_MS = 200;

export class SandboxLog {
  readonly entries: SandboxLogEntry[] = [];
  private readonly stream?: WriteStream;
  /** Lines not yet handed to the file. */
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly sink?: string | ((line: string) => void)) {
    if (typeof sink === 'string') this.stream = createWriteStream(sink, { flags: 'a' });
  }

  write(entry: SandboxLogEntry): void {
    this.entries.push(entry);
    if (!this.sink) return;
    const line = `${JSON.stringify(entry)}\n`;
    if (typeof this.sink === 'function') return this.sink(line);
    // The file is appended to in one write every FLUSH_MS, not per request: each write is a job on
    // libuv's thread pool, and a thread woken per request competes for the CPU with the server and
    // its client during a burst (on a machine of two cores, with the receive times it is measuring).
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.pending.length === 0 || !this.stream) return;
    this.stream.write(this.pending.join(''));
    this.pending = [];
  }

  /** Writes what is pending and closes the file (called when the sandbox closes). */
  close(): Promise<void> {
    clearTimeout(this.timer);
    this.flush();
    return new Promise((resolve) => (this.stream ? this.stream.end(resolve) : resolve()));
  }
}
