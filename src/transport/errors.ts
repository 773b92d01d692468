import { ExitCodes, RunbookError } from '../core/errors.js';
import type { EndpointName } from '../polyv/types.js';

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
    options?: { cause?: unknown },
  ) {
    super('E_DOWNLOAD', `${stepId ? `step ${stepId}: ` : ''}download of ${url} failed: ${message}`, ExitCodes.FAILED, options);
  }
}
