import { ExitCodes, RunbookError } from '../core/errors.js';
import { formatMessage, msg, type Msg } from '../i18n/index.js';
import type { EndpointName } from '../polyv/types.js';
import { skewMsg } from './clock.js';

/** `step <id>: …` when the call was made for a step (the CLI then names it), else the message alone. */
export function inStep(stepId: string | undefined, m: Msg): Msg {
  return stepId ? msg('error.inStep', { step: stepId, message: m }) : m;
}

/**
 * The platform answered and said no: a non-2xx status, or HTTP 200 with a non-200 `code` in the body.
 * Carries everything an operator needs to look the failure up: endpoint, HTTP status, the platform's
 * own code and message (v3 `message` or v4 `error.desc`), and the request id when there is one.
 */
export class PolyvApiError extends RunbookError {
  override readonly name = 'PolyvApiError';
  /** The platform's own words, as it wrote them (never translated); English when runbook wrote them (an answer it cannot use). */
  readonly platformMessage: string;
  constructor(
    readonly endpoint: EndpointName,
    readonly httpStatus: number,
    /** v4 `error.code` when present, otherwise the envelope's `code`. */
    readonly platformCode: number,
    /** The platform's message; a `Msg` when runbook describes an answer the platform gave without one. */
    platformMessage: string | Msg,
    readonly requestId: string | undefined,
    readonly stepId?: string,
  ) {
    const params = { endpoint, httpStatus: String(httpStatus), code: String(platformCode), platformMessage };
    super(
      'E_API',
      inStep(stepId, requestId ? msg('error.api.failedWithRequestId', { ...params, requestId }) : msg('error.api.failed', params)),
      ExitCodes.FAILED,
    );
    this.platformMessage = typeof platformMessage === 'string' ? platformMessage : formatMessage(platformMessage, 'en');
  }
}

/**
 * No usable answer arrived. `delivery` says whether the request provably never reached the platform
 * ('not-sent': connection refused, DNS failure, connect timeout, rejected by our own limiter) or may
 * have been applied ('unknown': reset or timeout after the request was written). Only 'not-sent' makes
 * it safe to resend a call that changes something.
 */
export class TransportError extends RunbookError {
  override readonly name = 'TransportError';
  constructor(
    readonly endpoint: EndpointName,
    readonly delivery: 'not-sent' | 'unknown',
    /** What went wrong (`error.transport.*`); a string only from callers outside runbook. */
    reason: Msg | string,
    readonly stepId?: string,
    options?: { cause?: unknown },
  ) {
    super('E_TRANSPORT', inStep(stepId, msg('error.transport.failed', { endpoint, reason })), ExitCodes.FAILED, options);
  }
}

/** A file download (an export's URL) failed: HTTP status, or the connection broke. */
export class DownloadError extends RunbookError {
  override readonly name = 'DownloadError';
  constructor(
    /** The URL without its query string (which may carry tokens). */
    readonly url: string,
    readonly httpStatus: number | undefined,
    reason: Msg,
    readonly stepId?: string,
    options?: { readonly cause?: unknown; readonly final?: boolean },
  ) {
    super('E_DOWNLOAD', inStep(stepId, msg('error.download.failed', { url, reason })), ExitCodes.FAILED, options);
    this.final = options?.final ?? false;
  }

  /** Not worth retrying (not an http(s) URL, too many redirects, past the deadline). */
  readonly final: boolean;
}

/**
 * An answer larger than the client reads (TransportLimits.maxAnswerBytes). The call reached the
 * platform, so a call that changes something may have been applied; a read is not retried (the
 * same answer would come again).
 */
export class AnswerTooLargeError extends RunbookError {
  override readonly name = 'AnswerTooLargeError';
  constructor(
    readonly endpoint: EndpointName,
    readonly maxBytes: number,
    readonly stepId?: string,
  ) {
    super('E_ANSWER_TOO_LARGE', inStep(stepId, msg('error.answerTooLarge', { endpoint, maxBytes: String(maxBytes) })), ExitCodes.FAILED);
  }
}

/**
 * The platform refused the timestamp twice (the second time just after re-synchronising the clock).
 * Nothing was applied: the call failed. The message names the measured skew when there is one.
 */
export class ClockSkewError extends RunbookError {
  override readonly name = 'ClockSkewError';
  constructor(
    readonly offsetMs: number,
    readonly endpoint: EndpointName,
    measured = true,
    readonly stepId?: string,
  ) {
    const why = !measured
      ? msg('error.clock.unmeasured')
      : Math.abs(offsetMs) >= 1000
        ? msg('error.clock.fix', { skew: skewMsg(offsetMs) })
        : msg('error.clock.noSkew');
    super('E_CLOCK', inStep(stepId, msg('error.clock.refusedTwice', { endpoint, why })), ExitCodes.FAILED);
  }
}
