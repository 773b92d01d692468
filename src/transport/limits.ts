/**
 * The client's own bounds (not the platform's: those are in src/polyv). Each is stated in the README
 * ("Bounds") and configurable through PolyvClientOptions.
 */
export interface TransportLimits {
  /**
   * The largest API answer read (bytes). A full page of 1000 chat records is about 0.5 MB; 64 MB is
   * far above any documented answer and still bounded.
   */
  readonly maxAnswerBytes: number;
  /** Every API exchange, answer included, ends within this long, however slowly bytes trickle in. */
  readonly requestDeadlineMs: number;
  /** Every download (an export's file), body included, ends within this long. */
  readonly downloadDeadlineMs: number;
}

export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = Object.freeze({
  maxAnswerBytes: 64 * 1024 * 1024,
  requestDeadlineMs: 60_000,
  downloadDeadlineMs: 30 * 60_000,
});

/** One retry budget for every kind of call: API calls and downloads alike. */
export interface RetryBudget {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** No retry starts after this much time since the first attempt. */
  readonly maxElapsedMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryBudget = Object.freeze({ maxAttempts: 6, maxElapsedMs: 60_000, baseDelayMs: 250, maxDelayMs: 8_000 });
