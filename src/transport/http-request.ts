import type { ApiRequest } from '../polyv/requests.js';
import type { SignValue } from '../polyv/sign.js';

/** What goes on the wire for one attempt. Holds the sign, so it is never logged or put in an error. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** Absolute URL, with the signed parameters in the query string when `signedIn` is 'query'. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Anything that can sign a parameter set (Credentials does, without ever handing out the secret). */
export interface Signer {
  readonly appId: string;
  sign(params: Readonly<Record<string, SignValue>>): string;
}

/**
 * Turns a request described as data into one signed attempt (SPEC §2). `appId` and `timestamp` join
 * the signed set; `sign` covers exactly that set and travels with it — in the query string, or in the
 * form body for v3 form POSTs (create-task). Unsigned form fields (message content) go in an
 * `application/x-www-form-urlencoded` body, a JSON payload (batch check-in) in an `application/json`
 * body. Empty values never reach the wire: the builders in src/polyv/requests.ts drop them, and this
 * drops any that slip through, so what is sent is exactly what was signed. Pure: call it once per
 * attempt with that attempt's timestamp.
 */
export function buildHttpRequest(req: ApiRequest, signer: Signer, baseUrl: string, timestampMs: number): HttpRequest {
  const signed: Record<string, string> = nonEmpty({ ...req.signed, appId: signer.appId, timestamp: String(Math.round(timestampMs)) });
  signed['sign'] = signer.sign(signed);
  const form = nonEmpty(req.form ?? {});
  let url = baseUrl + req.path;
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (req.signedIn === 'query') url += `?${new URLSearchParams(signed).toString()}`;
  if (req.signedIn === 'form') {
    body = new URLSearchParams({ ...form, ...signed }).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (Object.keys(form).length > 0) {
    body = new URLSearchParams(form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (req.jsonBody !== undefined || req.json !== undefined) {
    // jsonBody is the exact text (channel ids digit for digit); json is the same body as data.
    body = req.jsonBody ?? JSON.stringify(req.json);
    headers['content-type'] = 'application/json';
  }
  return { method: req.method, url, headers, ...(body !== undefined ? { body } : {}) };
}

function nonEmpty(o: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== '' && v !== undefined && v !== null) out[k] = v;
  return out;
}
