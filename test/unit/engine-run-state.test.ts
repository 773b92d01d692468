import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { RunState } from '../../src/engine/run-state.js';
import { unitsOf } from '../../src/engine/units.js';
import type { JournalRecord } from '../../src/journal/records.js';
import type { Plan } from '../../src/plan/types.js';

const NOW = Date.parse('2026-12-01T11:00:00Z');

function twoCheckins(): Plan {
  const dir = mkdtempSync(join(tmpdir(), 'rb-state-'));
  const file = join(dir, 'l.yaml');
  writeFileSync(
    file,
    'event: { name: S, timezone: UTC, start: "2026-12-01T12:00", duration: 1h }\nchannels: { a: "1000001", b: "1000002" }\nsteps:\n  - { id: roll, kind: checkin, at: "+30m", duration: 1m, channels: [a, b], prompt: hi }\n',
  );
  return planFile(file, { cwd: dir, now: NOW }).plan!;
}

describe('the run state read back from a journal', () => {
  it("gives each check-in of a batch its own result (actionResults), or an older journal's reading of failedActions", () => {
    const plan = twoCheckins();
    const units = unitsOf(plan);
    const batch = units.find((u) => u.kind === 'checkinBatch')!;
    const cases: [JournalRecord, Record<string, string>][] = [
      [
        { t: 'outcome', unit: batch.id, at: 1, result: 'failed', failedActions: ['roll@a'], actionResults: { 'roll@a': 'failed', 'roll@b': 'ok' } },
        { 'roll@a': 'failed', 'roll@b': 'ok' },
      ],
      [
        { t: 'outcome', unit: batch.id, at: 1, result: 'ambiguous', failedActions: ['roll@b'] },
        { 'roll@a': 'ok', 'roll@b': 'ambiguous' },
      ],
      [
        { t: 'outcome', unit: batch.id, at: 1, result: 'skipped' },
        { 'roll@a': 'skipped', 'roll@b': 'skipped' },
      ],
    ];
    for (const [record, expected] of cases) {
      const state = new RunState(plan, undefined, () => undefined);
      const restored = state.restore(units, [record]);
      expect(restored.queue).toEqual([]);
      const got = Object.fromEntries(state.summary(plan.runId, false, false).actions.map((a) => [a.id, a.result]));
      expect(got).toEqual(expected);
    }
  });

  it('a batch with an intent and no outcome is settled by sending it again', () => {
    const plan = twoCheckins();
    const units = unitsOf(plan);
    const batch = units.find((u) => u.kind === 'checkinBatch')!;
    const state = new RunState(plan, undefined, () => undefined);
    const restored = state.restore(units, [{ t: 'intent', unit: batch.id, at: 1 }]);
    expect(restored.queue.map((u) => u.id)).toEqual([batch.id]);
    expect([...restored.verify]).toEqual([batch.id]);
  });
});
