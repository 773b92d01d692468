import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-rules-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('event times', () => {
  it('end and duration both given: an error naming both', () => {
    const f = file(
      'both.yaml',
      'event: { name: B, timezone: Asia/Shanghai, start: "2030-12-01T19:30", end: "2030-12-01T21:00", duration: 1h }\nchannels: { main: "1" }\nsteps: []\n',
    );
    const r = planFile(f, { cwd: dir });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'RB4005', location: { line: 1, col: 96 }, related: [{ location: { col: 71 } }] }]);
  });

  it('a lesson giving `end` over a template giving `duration` is fine (the lesson wins)', () => {
    file('tpl.yaml', 'event: { name: B, timezone: Asia/Shanghai, duration: 1h }\nchannels: { main: "1" }\n');
    const r = planFile(file('l.yaml', 'extends: tpl.yaml\nevent: { start: "2030-12-01T19:30", end: "2030-12-01T21:00" }\nsteps: []\n'), { cwd: dir });
    expect(r.diagnostics).toEqual([]);
    expect(r.plan!.event.end - r.plan!.event.start).toBe(90 * 60_000);
  });
});

describe('problems do not hide each other', () => {
  it('an invalid time zone still lets the steps be checked', () => {
    const f = file(
      'zone.yaml',
      'event: { name: Z, timezone: Asia/Beijing, start: "2030-12-01T19:30", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: m, kind: message, at: start, channels: nope, text: hi }\n  - { id: c, kind: checkin, at: +1m, duration: 10001s }\n',
    );
    expect(planFile(f, { cwd: dir }).diagnostics.map((d) => d.code)).toEqual(['RB4001', 'RB4006', 'RB4010']);
  });
});

describe('schema errors in steps do not hide the rest', () => {
  it('reports a step schema error with the other steps rule and template errors', () => {
    const f = file(
      'mixed.yaml',
      'event: { name: M, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: a, kind: message, at: start, txt: typo }\n  - { id: b, kind: message, at: start, text: hi, channels: side }\n  - { id: c, kind: message, at: start, text: "{{nope}}" }\n  - { id: d, kind: checkin, at: +1m, duration: 10001s }\n',
    );
    const r = planFile(f, { cwd: dir });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code}:${d.stepId}`)).toEqual(['RB2001:a', 'RB3002:c', 'RB4006:b', 'RB4010:d']);
  });

  it('a schema error outside the steps still stops the file (nothing else can be trusted)', () => {
    const f = file(
      'top.yaml',
      'event: { name: M, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h, colour: red }\nchannels: { main: "1" }\nsteps:\n  - { id: b, kind: message, at: start, text: hi, channels: side }\n',
    );
    expect(planFile(f, { cwd: dir }).diagnostics.map((d) => d.code)).toEqual(['RB2001']);
  });
});

describe('check-ins in the past', () => {
  const f = (): string =>
    file(
      'past.yaml',
      'event: { name: P, timezone: Asia/Shanghai, start: "2020-12-01T19:30", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: c, kind: checkin, at: +10m, duration: 60s }\n',
    );

  it('are a warning when the clock is given (plan, run), and stay in the plan', () => {
    const r = planFile(f(), { cwd: dir, now: Date.UTC(2026, 0, 1) });
    expect(r.diagnostics).toMatchObject([{ code: 'RB4014', severity: 'warning', stepId: 'c' }]);
    expect(r.plan!.checkinBatches).toHaveLength(1);
  });

  it('are not reported by validate (no clock)', () => {
    expect(planFile(f(), { cwd: dir }).diagnostics).toEqual([]);
  });
});
