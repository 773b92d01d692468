import type { Readable } from 'node:stream';
import { errors, type Dispatcher } from 'undici';
import type { BodyText } from '../polyv/types.js';
import { decodeBody } from './body-text.js';
import type { HttpRequest } from './http-request.js';

/** A whole answer: its status, its `Date` header (for the clock) and its body as text. */
export interface Exchanged {
  readonly statusCode: number;
  readonly date: string | undefined;
  readonly text: string;
  /** How `text` was decoded (see BodyText). */
  readonly textAs: BodyText;
}

export interface ExchangeOptions {
  readonly signal?: AbortSignal | undefined;
  /** Gives up when no headers, or no further body bytes, arrive for this long. */
  readonly timeoutMs: number;
  /** Ask for the body as a byte string (see decodeBody); default ordinary text. */
  readonly bodyText?: BodyText;
  /** Send this stream as the request body instead of `wire.body` (see StagedExchange), with its declared length. */
  readonly body?: { readonly stream: Readable; readonly length: number };
}

/**
 * One HTTP exchange through the connection pool, the answer's body collected as text. undici's
 * `request()` wraps every answer in a Readable stream; a platform answer is one small JSON envelope
 * (a history page at most a few hundred kB), so a bare handler that gathers the chunks does the same
 * with less work per call — and a burst of sends due at one instant is nothing but calls. Errors
 * are undici's own (codes such as UND_ERR_HEADERS_TIMEOUT, ECONNRESET, UND_ERR_ABORTED), as with
 * `request()`, for the client to classify.
 */
export function exchange(dispatcher: Dispatcher, wire: HttpRequest, o: ExchangeOptions): Promise<Exchanged> {
  return new Promise((resolve, reject) => {
    const signal = o.signal;
    if (signal?.aborted) return reject(new errors.RequestAbortedError());
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let date: string | undefined;
    const chunks: Buffer[] = [];
    const onAbort = (): void => controller?.abort(new errors.RequestAbortedError());
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    // The origin is everything before the first slash after "//".
    const slash = wire.url.indexOf('/', wire.url.indexOf('//') + 2);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted) c.abort(new errors.RequestAbortedError());
      },
      onResponseStart(_c, status, headers) {
        statusCode = status;
        const d = headers['date'];
        date = Array.isArray(d) ? d[0] : d;
      },
      onResponseData(_c, chunk) {
        chunks.push(chunk);
      },
      onResponseEnd() {
        done();
        const body = decodeBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), o.bodyText ?? 'utf8');
        resolve({ statusCode, date, text: body.text, textAs: body.as });
      },
      onResponseError(_c, err) {
        done();
        reject(err);
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: slash < 0 ? wire.url : wire.url.slice(0, slash),
          path: slash < 0 ? '/' : wire.url.slice(slash),
          method: wire.method,
          ...(o.body
            ? { headers: { ...wire.headers, 'content-length': String(o.body.length) }, body: o.body.stream }
            : { headers: wire.headers, ...(wire.body !== undefined ? { body: wire.body } : {}) }),
          headersTimeout: o.timeoutMs,
          bodyTimeout: o.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      // Refused before anything was sent (invalid options): no callback will come.
      done();
      reject(err);
    }
  });
}
