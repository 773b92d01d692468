import type { ApiRequest } from './requests.js';

/**
 * The one way a call is shown to a person or written to a plan or a log: the request as it will be
 * made, with what is only known at send time as placeholders — the app id and (for get-speak-list)
 * the account's user id from the credentials, the timestamp, and the signature. Never a credential.
 */
// i18n-exempt: placeholders inside the call as plans (and `plan --json`) show it, the same in every language
export const SEND_TIME = Object.freeze({ appId: '<appId>', userId: '<userId>', timestamp: '<at send time>', sign: '<redacted>' });

export interface RedactedCall {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly form?: Readonly<Record<string, string>>;
  /** The JSON body as data (channel ids as strings of digits). */
  readonly json?: unknown;
  /** The JSON body exactly as sent. */
  readonly body?: string;
}

export function redactedCall(req: ApiRequest): RedactedCall {
  const filled: Record<string, string> = req.endpoint === 'getSpeakList' ? { userId: SEND_TIME.userId } : {};
  const signed: Record<string, string> = { ...filled, ...req.signed, appId: SEND_TIME.appId, timestamp: SEND_TIME.timestamp, sign: SEND_TIME.sign };
  const hasForm = req.form !== undefined && Object.keys(req.form).length > 0;
  return {
    method: req.method,
    path: req.path,
    ...(req.signedIn === 'query' ? { query: signed } : { form: { ...signed, ...req.form } }),
    ...(req.signedIn === 'query' && hasForm ? { form: req.form } : {}),
    ...(req.json !== undefined ? { json: req.json } : {}),
    ...(req.jsonBody !== undefined ? { body: req.jsonBody } : {}),
  };
}

/** One line: `POST /path?k=v&…&sign=<redacted> form: k=v body: […]`, for dry runs, logs and the timeline. */
export function redactedCallLine(req: ApiRequest): string {
  const c = redactedCall(req);
  const pairs = (o: Readonly<Record<string, string>> | undefined): string =>
    Object.entries(o ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  const query = c.query ? `?${pairs(c.query)}` : '';
  const form = c.form ? ` form: ${pairs(c.form)}` : '';
  const body = c.body !== undefined ? ` body: ${c.body}` : '';
  return `${c.method} ${c.path}${query}${form}${body}`;
}
