import { formatMessage, msg, type Msg } from '../i18n/index.js';

/**
 * The platform's documented limits, in one place. Every rule that checks a playbook, every request
 * builder and the sandbox that plays the platform read them from here. Source: ../shared/polyv-api/
 * (send-custom-message, batch-checkin) and the platform's global rate-limit notice.
 */
export const PlatformLimits = Object.freeze({
  /** A message's `content` after URL-safe base64 of its UTF-8 (send-custom-message/encode). */
  maxEncodedContent: 1500,
  /** A check-in's `limitTime`, seconds; 0 means "no limit" (batch-checkin). */
  minLimitTime: 0,
  maxLimitTime: 9999,
  /** Check-ins per batch-checkin call. */
  maxCheckinsPerBatch: 1000,
  /** On one channel, a check-in must start at least this long after the previous one ends. */
  checkinMinGapMs: 5000,
  /** Requests one IP may make to the API domain within `rateWindowMs`… */
  rateLimitRequests: 1500,
  rateWindowMs: 10_000,
  /** …beyond which the IP is blocked for this long. */
  rateBlockMs: 5 * 60_000,
});

/**
 * The wording of the 5-second rule, shared by every message that reports a check-in collision (within
 * a file, across files, and the platform's own 1099 answer as the engine reports it).
 */
export function checkinSpacingRuleMsg(): Msg {
  return msg('diag.checkin.rule', { seconds: PlatformLimits.checkinMinGapMs / 1000 });
}

/** The rule in English, for callers that still build English text. */
export function checkinSpacingRule(): string {
  return formatMessage(checkinSpacingRuleMsg(), 'en');
}

/**
 * How fast runbook's one client lets itself go: 80 % of the platform's limit, in the same window, so
 * that retries, clock skew between the two counters and other tools on the same IP leave headroom
 * before the 5-minute block.
 */
export const ClientPacing = Object.freeze({
  requests: Math.floor(PlatformLimits.rateLimitRequests * 0.8),
  windowMs: PlatformLimits.rateWindowMs,
});
