import type { ApiRequest } from '../polyv/requests.js';
import type { Unit } from './units.js';

/** The request a unit makes, as the plan holds it (a history export's: its first page). */
export function requestOf(u: Unit): ApiRequest {
  return u.kind === 'checkinBatch' ? u.request : u.action.request;
}
