import { ExitCodes, RunbookError } from '../core/errors.js';
import type { EndpointName } from '../polyv/types.js';
import { describeSkew } from './clock.js';

/**
 * The platform answered and said no: a non-2xx status, or HTTP 200 with a non-200 `code` in the body.
 * Carries everything an operator needs to look the failure up: endpoint, HTTP status, the platform's
 * own code and message (v3 `message` or v4 `error.desc`), and the request id when there is one.
 */
export class PolyvApiError extends RunbookError {
  override readonly name = 'PolyvApiError';
  constructor(
    readonly endpoint: EndpointName,
    readonly httpStatus: number,
    /** v4 `error.code` when present, otherwise the envelope's `code`. */
    readonly platformCode: number,
    readonly platformMessage: string,
    readonly requestId: string | undefined,
    readonly stepId?: string,
  ) {
    super(
      'E_API',
      `${stepId ? `step ${stepId}: ` : ''}${endpoint} failed: HTTP ${httpStatus}, code ${platformCode}: ${platformMessage}` +
        (requestId ? ` (requestId ${requestId})` : ''),
      ExitCodes.FAILED,
    );
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
    message: string,
    readonly stepId?: string,
    options?: { cause?: unknown },
  ) {
    super('E_TRANSPORT', `${stepId ? `step ${stepId}: ` : ''}${endpoint}: ${message}`, ExitCodes.FAILED, options);
  }
}

/** A file download (an export's URL) failed: HTTP status, or the connection broke. */
export class DownloadError extends RunbookError {
  override readonly name = 'DownloadError';
  constructor(
    /** The URL without its query string (which may carry tokens). */
    readonly url: string,
    readonly httpStatus: number | undefined,
    message: string,
    readonly stepId?: string,
    options?: { readonly cause?: unknown; readonly final?: boolean },
  ) {
    super('E_DOWNLOAD', `${stepId ? `step ${stepId}: ` : ''}download of ${url} failed: ${message}`, ExitCodes.FAILED, options);
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
    super('E_ANSWER_TOO_LARGE', `${stepId ? `step ${stepId}: ` : ''}${endpoint}: the answer is larger than ${maxBytes} bytes; not read`, ExitCodes.FAILED);
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
    super(
      'E_CLOCK',
      `${stepId ? `step ${stepId}: ` : ''}${endpoint}: the platform refused the timestamp twice, so nothing was applied; ` +
        (!measured
          ? 'its answers carried no usable Date header, so the skew could not be measured'
          : Math.abs(offsetMs) >= 1000
            ? `${describeSkew(offsetMs)}. Fix the machine's clock (NTP) and retry`
            : 'no clock skew was measured'),
      ExitCodes.FAILED,
    );
  }
}
