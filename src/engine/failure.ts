import { RunbookError } from '../core/errors.js';
import { msg, type Msg } from '../i18n/index.js';
import type { EndpointName } from '../polyv/types.js';
import { outcomeOf } from '../transport/classify.js';
import { PolyvApiError } from '../transport/errors.js';

/**
 * A failed call as the run reports it: failed or ambiguous (transport/classify.ts decides), with its
 * message (English, as journaled) and the same as key + params (`text`), and its code.
 */
export function failureOf(
  endpoint: EndpointName,
  err: unknown,
): { readonly result: 'failed' | 'ambiguous'; readonly message: string; readonly text: Msg; readonly code?: number | string } {
  const code = err instanceof PolyvApiError ? err.platformCode : (err as { code?: string } | undefined)?.code;
  return {
    result: outcomeOf(endpoint, err),
    message: err instanceof Error ? err.message : String(err),
    text: textOf(err),
    ...(code !== undefined ? { code } : {}),
  };
}

/** An error's words as a message: a RunbookError's own; anything else (a bug, a library's error) as it said it. */
export function textOf(err: unknown): Msg {
  if (err instanceof RunbookError) return typeof err.text === 'string' ? msg('error.plain', { message: err.text }) : err.text;
  return msg('error.unexpected', { message: err instanceof Error ? err.message : String(err) });
}
