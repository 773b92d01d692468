import { randomUUID } from 'node:crypto';

/** A reply the server writes: HTTP status and JSON body in the endpoint's envelope. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  /** Business code, for the log. */
  readonly code: number;
  readonly message?: string;
}

export function v3Ok(data: unknown): Reply {
  return { status: 200, code: 200, body: { code: 200, status: 'success', message: '', data } };
}

export function v3Error(code: number, message: string, httpStatus: number): Reply {
  return { status: httpStatus, code, message, body: { code, status: 'error', message, data: '' } };
}

export function v4Ok(data: unknown): Reply {
  return { status: 200, code: 200, body: { code: 200, status: 'success', requestId: randomUUID().replace(/-/g, ''), data, success: true } };
}

/** `envelopeCode` is the v4 top-level code (400 for business errors); `errorCode` goes in `error.code`. */
export function v4Error(envelopeCode: number, errorCode: number, desc: string, httpStatus: number): Reply {
  return {
    status: httpStatus,
    code: errorCode,
    message: desc,
    body: { code: envelopeCode, status: 'error', requestId: randomUUID().replace(/-/g, ''), error: { code: errorCode, desc }, success: false },
  };
}
