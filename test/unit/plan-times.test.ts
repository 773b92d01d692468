import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/core/duration.js';
import { parseTimeSpec } from '../../src/plan/time-spec.js';
import { parseZonedTime } from '../../src/plan/zoned-time.js';
import { parseStartOption } from '../../src/api/pipeline.js';

describe('times', () => {
  it('parses durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration(45)).toBe(45_000);
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });

  it('reads a local time in the event zone', () => {
    const r = parseZonedTime('2026-12-01T19:30', 'Asia/Shanghai');
    expect(r).toEqual({ ok: true, ms: Date.parse('2026-12-01T11:30:00Z') });
    expect(parseZonedTime('2026-12-01T19:30+01:00', 'Asia/Shanghai')).toEqual({ ok: true, ms: Date.parse('2026-12-01T18:30:00Z') });
  });

  it('refuses a local time in a DST gap or overlap', () => {
    expect(parseZonedTime('2026-03-08T02:30', 'America/New_York')).toMatchObject({ ok: false, reason: 'gap' });
    expect(parseZonedTime('2026-11-01T01:30', 'America/New_York')).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(parseZonedTime('2026-03-29T02:15', 'Europe/Berlin')).toMatchObject({ ok: false, reason: 'gap' });
    expect(parseZonedTime('2026-10-25T02:15', 'Europe/Berlin')).toMatchObject({ ok: false, reason: 'ambiguous' });
    expect(parseZonedTime('2026-10-25T02:15+01:00', 'Europe/Berlin')).toMatchObject({ ok: true });
    expect(parseZonedTime('2026-10-25T03:15', 'Europe/Berlin')).toMatchObject({ ok: true, ms: Date.parse('2026-10-25T02:15:00Z') });
  });

  it('keeps a relative time across a DST change exact in elapsed time', () => {
    const start = Date.parse('2026-03-08T06:30:00Z'); // 01:30 EST, the night clocks spring forward
    const t = parseTimeSpec('+1h', { start, end: start + 7_200_000, zone: 'America/New_York' });
    expect(t).toMatchObject({ ok: true, ms: start + 3_600_000 });
  });

  it('parses relative step times', () => {
    const frame = { start: 1_000_000, end: 2_000_000, zone: 'UTC' };
    expect(parseTimeSpec('-5m', frame)).toMatchObject({ ms: 1_000_000 - 300_000 });
    expect(parseTimeSpec('start+10s', frame)).toMatchObject({ ms: 1_010_000 });
    expect(parseTimeSpec('end+1m30s', frame)).toMatchObject({ ms: 2_090_000 });
    expect(parseTimeSpec('end', frame)).toMatchObject({ ms: 2_000_000 });
    expect(parseTimeSpec('soon', frame)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(parseTimeSpec('+5 parsecs', frame)).toMatchObject({ ok: false });
  });

  it('parses --start', () => {
    expect(parseStartOption('now', 1000)).toBe(1000);
    expect(parseStartOption('now+30s', 1000)).toBe(31_000);
    expect(parseStartOption('2026-12-01T19:30', 0, 'Asia/Shanghai')).toBe(Date.parse('2026-12-01T11:30:00Z'));
    expect(() => parseStartOption('tomorrow', 0)).toThrow(/--start/);
  });
});

describe('planning a run that is resumed mid-lesson', () => {
  it('keeps a check-in whose start has passed (same batches as the first run), with a warning', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { planFile } = await import('../../src/api/pipeline.js');
    const dir = mkdtempSync(join(tmpdir(), 'rb-past-'));
    const f = join(dir, 'l.yaml');
    writeFileSync(
      f,
      'event: { name: x, timezone: UTC, start: "2026-12-01T10:00", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: early, kind: checkin, at: +1m, duration: 30s }\n  - { id: late, kind: checkin, at: +30m, duration: 30s }\n',
    );
    const start = Date.parse('2026-12-01T10:00:00Z');
    const before = planFile(f, { cwd: dir, now: start - 60_000 });
    const during = planFile(f, { cwd: dir, now: start + 10 * 60_000 });
    expect(during.diagnostics).toMatchObject([{ code: 'RB4014', severity: 'warning', stepId: 'early' }]);
    expect(during.plan!.runId).toBe(before.plan!.runId);
    expect(during.plan!.checkinBatches.map((b) => b.actionIds)).toEqual(before.plan!.checkinBatches.map((b) => b.actionIds));
  });
});
