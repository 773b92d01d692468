import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * One JSON line per request the sandbox received: when (ms epoch, and a high-resolution receive time
 * in fractional ms), what (endpoint, decoded business parameters — never the secret; the signature
 * only as `signOk`), and what it did (applied, rejected with a code, fault injected).
 */
export interface SandboxLogEntry {
  readonly seq: number;
  readonly receivedAt: number;
  readonly receivedAtHr: number;
  readonly method: string;
  readonly path: string;
  readonly endpoint?: string;
  readonly params?: Record<string, unknown>;
  readonly signOk?: boolean;
  readonly status?: number;
  readonly code?: number;
  /** 'incomplete': the connection closed before the request's last byte (nothing applied). */
  readonly effect: 'applied' | 'rejected' | 'served' | 'fault' | 'not-found' | 'incomplete';
  readonly message?: string;
  readonly fault?: string;
}

export class SandboxLog {
  readonly entries: SandboxLogEntry[] = [];
  private readonly stream?: WriteStream;
  constructor(private readonly sink?: string | ((line: string) => void)) {
    // A buffered stream: a synchronous append per request would put the disk on every answer's path.
    if (typeof sink === 'string') this.stream = createWriteStream(sink, { flags: 'a' });
  }

  write(entry: SandboxLogEntry): void {
    this.entries.push(entry);
    if (!this.sink) return;
    const line = `${JSON.stringify(entry)}\n`;
    if (this.stream) this.stream.write(line);
    else if (typeof this.sink === 'function') this.sink(line);
  }

  /** Flushes the file (called when the sandbox closes). */
  close(): Promise<void> {
    return new Promise((resolve) => (this.stream ? this.stream.end(resolve) : resolve()));
  }
}
