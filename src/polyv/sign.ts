import { createHash } from 'node:crypto';

/** A parameter value as the signing rule sees it: numbers become decimal text; empty values are dropped. */
export type SignValue = string | number | boolean | null | undefined;

/**
 * Drops null, undefined and empty-string values. The platform's own implementations disagree on
 * whether empty values are signed, so runbook neither signs nor *sends* them (SPEC §2): a request
 * without the parameter is read the same way by every implementation.
 */
export function dropEmpty(params: Readonly<Record<string, SignValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    const text = String(value);
    if (text === '') continue;
    out[key] = text;
  }
  return out;
}

/**
 * Polyv's signature: drop `sign` and empty values, sort keys by plain string (UTF-16 code unit) order,
 * concatenate key+value, wrap in the secret on both sides, MD5 over UTF-8, upper-case hex.
 */
export function polyvSign(params: Readonly<Record<string, SignValue>>, appSecret: string): string {
  const clean = dropEmpty(params);
  delete clean['sign'];
  const keys = Object.keys(clean).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let concatenated = '';
  for (const key of keys) concatenated += key + clean[key];
  return createHash('md5')
    .update(appSecret + concatenated + appSecret, 'utf8')
    .digest('hex')
    .toUpperCase();
}
