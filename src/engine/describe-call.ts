import { batchCheckinRequest, getSpeakListRequest, type ApiRequest } from '../polyv/requests.js';
import { historyWindow } from './history-window.js';
import type { Unit } from './units.js';

/** The request a unit makes, as data (a history export's first page; userId shown as a placeholder). */
export function requestOf(u: Unit): ApiRequest {
  if (u.kind === 'message') return u.action.request;
  if (u.kind === 'checkinBatch') return batchCheckinRequest(u.checkins.map((c) => c.item));
  if (u.action.kind === 'historyExport') {
    const w = historyWindow(u.action);
    return getSpeakListRequest({ userId: '<userId>', startTime: w.from, endTime: w.to, size: u.action.pageSize });
  }
  return u.action.request;
}

/** "POST /path?channelId=…&sign=<redacted> form: …": what a unit calls, for dry runs and logs. No credential, no sign. */
export function describeCall(req: ApiRequest): string {
  const params = Object.entries(req.signed).map(([k, v]) => `${k}=${v}`);
  const form = req.form ? Object.entries(req.form).map(([k, v]) => `${k}=${v}`) : [];
  return `${req.method} ${req.path}?${[...params, 'appId=<appId>', 'timestamp=<now>', 'sign=<redacted>'].join('&')}${form.length ? ` form: ${form.join('&')}` : ''}${req.json !== undefined ? ` json: ${req.jsonBody ?? JSON.stringify(req.json)}` : ''}`;
}
