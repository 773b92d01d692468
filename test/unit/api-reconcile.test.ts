import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { reconcilePlan } from '../../src/api/reconcile.js';
import type { JournalRecord } from '../../src/journal/records.js';
import type { Plan } from '../../src/plan/types.js';

const START = Date.parse('2030-01-01T10:00:00Z');

function plan(checkins: { id: string; at: string }[]): Plan {
  const dir = mkdtempSync(join(tmpdir(), 'rb-reconcile-'));
  const file = join(dir, 'l.yaml');
  const steps = [
    `  - { id: m1, kind: message, at: +1m, text: hi }`,
    ...checkins.map((c) => `  - { id: ${c.id}, kind: checkin, at: "${c.at}", duration: 10s }`),
  ];
  writeFileSync(
    file,
    `event: { name: t, timezone: UTC, start: "2030-01-01T10:00:00Z", duration: 1h }\nchannels: { a: "1000001" }\nsteps:\n${steps.join('\n')}\n`,
  );
  const r = planFile(file, { cwd: dir, now: START - 3_600_000 });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.plan!;
}

const runStart = (p: Plan): JournalRecord => ({
  t: 'run-start',
  runId: 'r',
  at: 0,
  pid: 1,
  host: 'h',
  file: 'f',
  start: p.event.start,
  actions: p.actions.map((a) => ({
    id: a.id,
    unit: a.kind === 'checkin' ? a.batchId : a.id,
    kind: a.kind,
    channelId: a.channelId,
    at: a.kind === 'checkin' ? a.startsAt : a.at,
  })),
});

describe('reconcilePlan', () => {
  it('returns the compiled plan unchanged for an empty journal', () => {
    const p = plan([
      { id: 'c1', at: '+5m' },
      { id: 'c2', at: '+10m' },
    ]);
    const r = reconcilePlan(p, []);
    expect(r.plan.actions).toEqual(p.actions);
    expect(r.plan.checkinBatches).toEqual(p.checkinBatches);
    expect(r.refused).toEqual([]);
  });

  it('keeps a registered batch as it was and batches a new check-in under a fresh id', () => {
    const first = plan([
      { id: 'c1', at: '+5m' },
      { id: 'c2', at: '+10m' },
    ]);
    expect(first.checkinBatches.map((b) => b.id)).toEqual(['checkin-batch-1']);
    const journal: JournalRecord[] = [
      runStart(first),
      { t: 'intent', unit: 'checkin-batch-1', at: 1 },
      { t: 'outcome', unit: 'checkin-batch-1', at: 2, result: 'ok' },
    ];
    // The edit moves c1, removes c2 and adds c3: the platform can change none of the registered ones.
    const edited = plan([
      { id: 'c1', at: '+6m' },
      { id: 'c3', at: '+20m' },
    ]);
    const r = reconcilePlan(edited, journal);
    const batches = Object.fromEntries(r.plan.checkinBatches.map((b) => [b.id, b.actionIds]));
    expect(batches).toEqual({ 'checkin-batch-1': ['c1'], 'checkin-batch-2': ['c3'] });
    const c1 = r.plan.actions.find((a) => a.id === 'c1');
    expect(c1?.kind === 'checkin' && c1.startsAt).toBe(START + 5 * 60_000);
    expect(r.refused.map((x) => x.id).sort()).toEqual(['c1', 'c2']);
  });

  it('re-batches check-ins whose batch intent was withdrawn (never sent)', () => {
    const first = plan([{ id: 'c1', at: '+5m' }]);
    const journal: JournalRecord[] = [runStart(first), { t: 'intent', unit: 'checkin-batch-1', at: 1 }, { t: 'withdrawn', unit: 'checkin-batch-1', at: 2 }];
    const r = reconcilePlan(plan([{ id: 'c1', at: '+7m' }]), journal);
    expect(r.refused).toEqual([]);
    const c1 = r.plan.actions.find((a) => a.id === 'c1');
    expect(c1?.kind === 'checkin' && c1.startsAt).toBe(START + 7 * 60_000);
  });

  it('applies journaled controls: skip leaves an action out, send-now moves it to the control, pause is remembered', () => {
    const p = plan([{ id: 'c1', at: '+5m' }]);
    const journal: JournalRecord[] = [
      { t: 'control', at: START - 1000, control: 'skip', action: 'c1', who: 'x' },
      { t: 'control', at: START - 500, control: 'send-now', action: 'm1', who: 'x' },
      { t: 'control', at: START - 400, control: 'pause', who: 'x' },
    ];
    const r = reconcilePlan(p, journal);
    expect(r.plan.actions.map((a) => a.id)).toEqual(['m1']);
    expect(r.plan.actions[0]!.at).toBe(START - 500);
    expect(r.plan.checkinBatches).toEqual([]);
    expect(r.paused).toBe(true);
    expect([...r.skipped.keys()]).toEqual(['c1']);
  });
});
