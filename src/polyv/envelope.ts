import { formatMessage, msg, type Msg } from '../i18n/index.js';

/**
 * Reads either envelope (v3 `{code,status,message,data}` or v4 `{code,status,success,requestId,data,
 * error:{code,desc}}`) into one result. Success needs a 2xx HTTP status *and* a body code of 200
 * (business errors also arrive with HTTP 200). Pure: no I/O.
 */
export type EnvelopeResult =
  | { readonly ok: true; readonly data: unknown; readonly requestId?: string }
  | {
      readonly ok: false;
      readonly httpStatus: number;
      /** v4 `error.code` when present, else the envelope's `code`, else the HTTP status. */
      readonly platformCode: number;
      /** The platform's own words (its `message` or `error.desc`), or runbook's description of a non-JSON answer in English. */
      readonly message: string;
      /** runbook's description of a non-JSON answer as a message, for the reader's language. */
      readonly text?: Msg;
      readonly requestId?: string;
    };

export function parseEnvelope(httpStatus: number, bodyText: string): EnvelopeResult {
  let body: unknown;
  try {
    body = bodyText.length > 0 ? JSON.parse(bodyText) : undefined;
  } catch {
    body = undefined;
  }
  if (!isObject(body)) {
    const text = describeNonJson(httpStatus, bodyText);
    return { ok: false, httpStatus, platformCode: httpStatus, message: formatMessage(text, 'en'), text };
  }
  const requestId = typeof body['requestId'] === 'string' ? body['requestId'] : undefined;
  const code = typeof body['code'] === 'number' ? body['code'] : Number(body['code']);
  const err = isObject(body['error']) ? body['error'] : undefined;
  const success = httpStatus >= 200 && httpStatus < 300 && code === 200 && body['status'] !== 'error' && body['success'] !== false && !err;
  if (success) return { ok: true, data: body['data'], ...(requestId ? { requestId } : {}) };
  const platformCode = err && typeof err['code'] === 'number' ? err['code'] : Number.isFinite(code) ? code : httpStatus;
  const message = (err && typeof err['desc'] === 'string' && err['desc']) || (typeof body['message'] === 'string' && body['message']) || `HTTP ${httpStatus}`;
  return { ok: false, httpStatus, platformCode, message, ...(requestId ? { requestId } : {}) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeNonJson(status: number, text: string): Msg {
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return snippet ? msg('diag.polyv.notJson', { status: String(status), snippet }) : msg('diag.polyv.emptyBody', { status: String(status) });
}
