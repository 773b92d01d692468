import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM shared with the benchmark (bench/faults.mjs runs the full size)
import { faultRun } from '../../bench/lib-faults.mjs';

interface FaultResult {
  actions: number;
  ambiguous: string[];
  problems: string[];
  faultsInjected: number;
  exitCode: number;
}

describe('a lesson under faults (5xx, resets before and after applying, slow answers past the timeout)', () => {
  it('completes every export, sends nothing twice, and reports every ambiguous action by id', async () => {
    const r = (await faultRun({ channels: 4, messages: 5, checkins: 1, seed: 11 })) as FaultResult;
    expect(r.faultsInjected).toBeGreaterThan(0);
    expect(r.problems).toEqual([]);
    expect(r.exitCode).toBe(r.ambiguous.length ? 4 : 0);
  }, 120_000);
});
