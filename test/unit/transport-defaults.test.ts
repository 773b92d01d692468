import { describe, expect, it } from 'vitest';
import { CLIENT_RATE_LIMIT } from '../../src/plan/compile.js';
import { PLATFORM_RATE_LIMIT } from '../../src/sandbox/options.js';
import { DEFAULT_RATE_LIMIT, DEFAULT_RETRY, sharedRateLimiter } from '../../src/transport/index.js';

describe('transport defaults', () => {
  it("paces as the plan assumes, well under the platform's limit", () => {
    expect(DEFAULT_RATE_LIMIT).toEqual({ max: CLIENT_RATE_LIMIT.requests, windowMs: CLIENT_RATE_LIMIT.windowMs });
    expect(DEFAULT_RATE_LIMIT.max / DEFAULT_RATE_LIMIT.windowMs).toBeLessThanOrEqual(0.85 * (PLATFORM_RATE_LIMIT.max / PLATFORM_RATE_LIMIT.windowMs));
  });

  it('shares one limiter per process', () => {
    expect(sharedRateLimiter()).toBe(sharedRateLimiter());
    expect(sharedRateLimiter().options).toEqual(DEFAULT_RATE_LIMIT);
  });

  it('bounds retries in attempts and in time', () => {
    expect(DEFAULT_RETRY.maxAttempts).toBeGreaterThan(1);
    expect(DEFAULT_RETRY.maxElapsedMs).toBeLessThanOrEqual(120_000);
    expect(DEFAULT_RETRY.maxDelayMs).toBeLessThan(DEFAULT_RETRY.maxElapsedMs);
  });
});
