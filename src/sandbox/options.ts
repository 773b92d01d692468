import { PlatformLimits } from '../polyv/limits.js';
import type { SandboxCredentials } from './credentials.js';
import type { FaultSpec } from './faults.js';

/**
 * How the sandbox behaves. Where the platform's documents are silent, the default is the reading
 * that is strictest for a client, and an option makes the other reading available:
 * - `signatureErrorHttpStatus`: the docs show `invalid signature.` with body code 403 (and once 400);
 *   the HTTP status is not documented. Default 403.
 * - `errorHttpStatus`: business errors come either as HTTP 200 with a non-200 body code, or as a
 *   non-2xx response. 'mirror' (default) answers with the body code as HTTP status; 200 answers 200.
 * - `emptyParams`: an empty parameter (`x=`) — implementations disagree on signing it. 'reject'
 *   (default) refuses the request, so a client that sends one is caught; 'ignore' drops it.
 * - `rateLimit.reply`: the limit's reply is undocumented. 'http429' (default): HTTP 429 with body
 *   code 429; 'http200': HTTP 200 with body code 429; `{status, text}`: a plain-text answer with
 *   that status (a gateway's, e.g. 503 `qps exceeds number of calls`) — a client must recognise all.
 * - `refusedTimestamp`: how a timestamp outside the 3-minute window is refused. 'en' (default): the
 *   documents' `invalid timestamp.`; 'zh': `时间戳过期` with code 10003, as Polyv's own CLI documents it.
 */
export interface SandboxOptions {
  readonly port?: number;
  readonly host?: string;
  readonly credentials?: SandboxCredentials;
  /** Known channel ids. Absent: any all-digit id is accepted. Unknown ids get 1097. */
  readonly channels?: readonly string[];
  readonly seed?: number;
  /** Seeded chat records served by get-speak-list (generated on demand, no memory cost). */
  readonly seedMessages?: number;
  readonly seedStartMs?: number;
  readonly seedSpacingMs?: number;
  readonly faults?: FaultSpec | string;
  /** The sandbox's clock is the machine's plus this offset (simulates a skewed client clock). */
  readonly clockOffsetMs?: number;
  /** Calls of session/stats/export answered "not ready" before the report is ready. Default 2. */
  readonly reportNotReadyCalls?: number;
  /** Calls of create-task answered todo/doing before the task is done. Default 2. */
  readonly exportSteps?: number;
  /** Make finished chat-export tasks point at a URL containing `../` (for tests of the downloader). */
  readonly hostileExportUrl?: boolean;
  readonly rateLimit?: Partial<RateLimitOptions>;
  readonly signatureErrorHttpStatus?: 403 | 400 | 200;
  readonly errorHttpStatus?: 'mirror' | 200;
  readonly emptyParams?: 'reject' | 'ignore';
  readonly refusedTimestamp?: 'en' | 'zh';
  /** HTTP status of the "Report is not ready yet" answer (body code 400). Default 400. */
  readonly notReadyHttpStatus?: 400 | 200;
  /**
   * Escape every non-ASCII character in answers as `\uXXXX` (some JSON serialisers do; the
   * documents do not say which the platform's does). Default false: raw UTF-8.
   */
  readonly asciiJson?: boolean;
  /** A JSON-lines log: a file path, or a function that receives each line. Always kept in memory too. */
  readonly log?: string | ((line: string) => void);
}

export interface RateLimitOptions {
  /** Requests allowed per window from one IP; the platform's is 1500 per 10 s. */
  readonly max: number;
  readonly windowMs: number;
  /** How long an IP stays blocked after exceeding it; the platform's is 5 minutes. */
  readonly blockMs: number;
  readonly reply: 'http429' | 'http200' | { readonly status: number; readonly text: string };
}

export const PLATFORM_RATE_LIMIT: RateLimitOptions = Object.freeze({
  max: PlatformLimits.rateLimitRequests,
  windowMs: PlatformLimits.rateWindowMs,
  blockMs: PlatformLimits.rateBlockMs,
  reply: 'http429',
});
