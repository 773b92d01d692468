import { msg, type Msg } from '../i18n/index.js';
import { Endpoints, type EndpointName } from '../polyv/types.js';
import { AnswerTooLargeError, ClockSkewError, PolyvApiError, TransportError } from './errors.js';

/**
 * The one place that decides what a failed call means. Readings chosen where the documents are silent:
 *
 * - **Rate limit.** The reply is undocumented. runbook recognises HTTP 429, a body code 429, or a
 *   message about frequency/limits (English or Chinese, `qps exceeds number of calls` included) as
 *   the limit, whatever the HTTP status (gateways answer it with 403, 429 or 503), JSON or not. For
 *   reads it is retried with backoff. For calls that change something it is *not* retried — the platform then blocks the IP for
 *   five minutes, and a chat message five minutes late is worse than one reported as failed — and it
 *   counts as *failed* (not applied), because the platform refused the request without processing it.
 * - **5xx** on a call that changes something counts as *ambiguous*: a gateway may answer 502/504 after
 *   the platform applied the call. Reads retry.
 * - **invalid timestamp.** (or `时间戳过期`, v4 code 10003, as Polyv's own CLI documents it) is answered
 *   by re-synchronising the clock and retrying once; refused again, the call *failed* (ClockSkewError:
 *   nothing was applied).
 * - **An answer too large** to read (AnswerTooLargeError) reached the platform: ambiguous for a call
 *   that changes something, failed (not retried) for a read.
 * - **invalid signature.** / **application not found.** and other 4xx business errors are final. The
 *   documents show `invalid signature.` with body code 403 but leave the HTTP status open (403, 400, or
 *   200 with the code in the body): all three arrive here as a PolyvApiError and are never retried —
 *   re-signing with the same secret cannot help.
 * - A network failure is retried for reads; for calls that change something only when the request
 *   provably never reached the platform (TransportError delivery 'not-sent': connection refused, DNS
 *   failure, connect timeout, or our own limiter gave up before sending). A reset or a timeout after
 *   the request was written is 'unknown' and is never resent.
 * - **createChatExportTask** is classified as a call that changes something, although calling it again
 *   only re-polls the same task. The platform does not document that a second create-task is harmless
 *   (it might start a new export and move `lastExportTime`), so the client does not resend it on an
 *   ambiguous failure; the chat exporter (src/export) owns the polling loop and decides there, where a
 *   lost answer is simply followed by its next poll.
 * - **Signed reads** (getSpeakList, exportSessionStats) and downloads retry network errors, 5xx and the
 *   rate limit, with exponential backoff and full jitter, within the client's RetryBudget.
 */
export type Verdict =
  | { readonly action: 'retry'; readonly reason: Msg }
  | { readonly action: 'resync'; readonly reason: Msg }
  | { readonly action: 'fail'; readonly reason: Msg; readonly outcome: 'failed' | 'ambiguous' };

const RATE_LIMIT_TEXT = /too (many|frequent)|frequen|rate.?limit|limit exceeded|\bqps\b|number of calls|频繁|频率|限流/i;

export function isRateLimit(e: PolyvApiError): boolean {
  return e.httpStatus === 429 || e.platformCode === 429 || RATE_LIMIT_TEXT.test(e.platformMessage);
}

export function isInvalidTimestamp(e: PolyvApiError): boolean {
  return e.platformCode === 10003 || /invalid timestamp|timestamp expired|时间戳过期|时间戳无效/i.test(e.platformMessage);
}

export function isNotReady(e: PolyvApiError): boolean {
  return /not ready/i.test(e.platformMessage);
}

export function classifyFailure(endpoint: EndpointName, err: unknown): Verdict {
  const mutating = Endpoints[endpoint].mutating;
  if (err instanceof ClockSkewError) return { action: 'fail', outcome: 'failed', reason: msg('error.verdict.timestampRefusedTwice') };
  if (err instanceof AnswerTooLargeError) return { action: 'fail', outcome: mutating ? 'ambiguous' : 'failed', reason: msg('error.verdict.answerTooLarge') };
  if (err instanceof TransportError) {
    if (err.delivery === 'not-sent') return { action: 'retry', reason: msg('error.verdict.neverReached') };
    return mutating
      ? { action: 'fail', outcome: 'ambiguous', reason: msg('error.verdict.mayHaveReached') }
      : { action: 'retry', reason: msg('error.verdict.networkOnRead') };
  }
  if (err instanceof PolyvApiError) {
    if (isInvalidTimestamp(err)) return { action: 'resync', reason: msg('error.verdict.timestampRefused') };
    if (isRateLimit(err)) {
      return mutating
        ? { action: 'fail', outcome: 'failed', reason: msg('error.verdict.rateLimitRefused') }
        : { action: 'retry', reason: msg('error.verdict.rateLimit') };
    }
    if (err.httpStatus >= 500 || (err.platformCode >= 500 && err.platformCode < 600)) {
      return mutating
        ? { action: 'fail', outcome: 'ambiguous', reason: msg('error.verdict.serverErrorAfterArrival') }
        : { action: 'retry', reason: msg('error.verdict.serverErrorOnRead') };
    }
    return { action: 'fail', outcome: 'failed', reason: msg('error.verdict.refused') };
  }
  return { action: 'fail', outcome: mutating ? 'ambiguous' : 'failed', reason: msg('error.verdict.unexpected') };
}

/** Whether a call that threw this error may have changed the platform's state. */
export function outcomeOf(endpoint: EndpointName, err: unknown): 'failed' | 'ambiguous' {
  const v = classifyFailure(endpoint, err);
  if (v.action === 'fail') return v.outcome;
  // Retries exhausted: for a read nothing changed; for a mutating call only 'not-sent' reaches here.
  return 'failed';
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}
