import type { EndpointName } from '../polyv/types.js';
import { outcomeOf } from '../transport/classify.js';
import { PolyvApiError } from '../transport/errors.js';

/** A failed call as the run reports it: failed or ambiguous (transport/classify.ts decides), with its message and code. */
export function failureOf(
  endpoint: EndpointName,
  err: unknown,
): { readonly result: 'failed' | 'ambiguous'; readonly message: string; readonly code?: number | string } {
  const code = err instanceof PolyvApiError ? err.platformCode : (err as { code?: string } | undefined)?.code;
  return { result: outcomeOf(endpoint, err), message: err instanceof Error ? err.message : String(err), ...(code !== undefined ? { code } : {}) };
}
