import type { JournalRecord } from './records.js';

export interface UnitState {
  readonly intent: boolean;
  /** The unit's last outcome record, as journaled (without its tag and unit id). */
  readonly outcome?: Omit<Extract<JournalRecord, { t: 'outcome' }>, 't' | 'unit'>;
}

/** What the journal says about each unit, and the last checkpoint of each. */
export function replay(records: readonly JournalRecord[]): { units: Map<string, UnitState>; checkpoints: Map<string, unknown>; starts: number } {
  const units = new Map<string, UnitState>();
  const checkpoints = new Map<string, unknown>();
  let starts = 0;
  for (const r of records) {
    if (r.t === 'run-start') starts += 1;
    else if (r.t === 'intent') units.set(r.unit, { ...(units.get(r.unit) ?? {}), intent: true });
    else if (r.t === 'withdrawn') units.set(r.unit, { ...(units.get(r.unit) ?? {}), intent: false });
    else if (r.t === 'outcome') {
      const { t: _t, unit, ...outcome } = r;
      units.set(unit, { intent: units.get(unit)?.intent ?? false, outcome });
    } else if (r.t === 'checkpoint') checkpoints.set(r.unit, r.data);
  }
  return { units, checkpoints, starts };
}
