import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { exchange, type ExchangeOptions, type Exchanged } from './exchange.js';
import type { HttpRequest } from './http-request.js';

/** Why `complete` could not send the last byte: the request was torn down before it. */
export class IncompleteRequestError extends Error {
  override readonly name = 'IncompleteRequestError';
}

/**
 * One exchange written ahead of its instant, all but the last byte of its body; `complete()` writes
 * that byte. A burst of calls due together then costs, at the instant, one small write per call:
 * building the request, taking a connection and writing the headers and body happened beforehand.
 *
 * Why this cannot send a call early: the body's length is declared (Content-Length), so no server
 * can have the call — its form fields are in the body — until the last byte arrives, and that byte
 * is written only by `complete()`. A proxy in front of the platform that buffers bodies (as nginx
 * does by default) forwards the call at that same moment. If the request is torn down before
 * `complete()` (the connection closed, `abandon()`, the signal), it was never whole, so it was
 * provably not applied: `complete()` then rejects with IncompleteRequestError, which the client
 * reports as not sent (safe to send afresh).
 *
 * An answer that comes before the last byte (a server refusing on the headers alone, say a rate
 * limit) is the exchange's answer; `complete()` resolves to it without writing anything.
 */
export class StagedExchange {
  private readonly body: Readable;
  private readonly last: Buffer;
  private readonly outcome: Promise<Exchanged>;
  private settled = false;
  private completed = false;

  constructor(dispatcher: Dispatcher, wire: HttpRequest & { readonly body: string }, o: ExchangeOptions) {
    const bytes = Buffer.from(wire.body, 'utf8');
    this.last = bytes.subarray(bytes.length - 1);
    // read() does nothing: the stream holds what is pushed, and the last push is complete()'s.
    this.body = new Readable({ read() {} });
    this.body.push(bytes.subarray(0, bytes.length - 1));
    this.outcome = exchange(dispatcher, wire, { ...o, body: { stream: this.body, length: bytes.length } });
    const settle = (): void => void (this.settled = true);
    this.outcome.then(settle, settle);
  }

  /**
   * Writes the last byte and resolves to the answer. Rejects with IncompleteRequestError when the
   * request was torn down before (nothing was applied), with the exchange's own error otherwise.
   */
  async complete(): Promise<Exchanged> {
    if (this.completed) throw new Error('a staged exchange is completed once');
    this.completed = true;
    // `settled` is set by a promise reaction, so an exchange that failed in an earlier callback is
    // seen here; `destroyed` covers a teardown in this very turn (undici destroys the body at once).
    if (this.settled || this.body.destroyed) {
      try {
        return await this.outcome;
      } catch (err) {
        throw new IncompleteRequestError('the connection closed before the request was complete', { cause: err });
      }
    }
    this.body.push(this.last);
    this.body.push(null);
    return this.outcome;
  }

  /** Gives it up before `complete()`: the connection is closed short of the last byte. */
  abandon(): void {
    if (this.completed) return;
    this.completed = true;
    this.body.destroy();
    // The exchange now rejects (request aborted); nobody waits for it.
    this.outcome.catch(() => undefined);
  }
}
