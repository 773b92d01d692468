import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { planJson, renderPlanText } from '../../src/cli/render/plan.js';
import { formatMessage } from '../../src/i18n/index.js';

const en = (m: Parameters<typeof formatMessage>[0]): string => formatMessage(m, 'en');

/** Problems an acceptance tester found in the front end (issues 14 and 19). */
const dir = mkdtempSync(join(tmpdir(), 'rb-accept-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const head = (event: string): string => `event: { name: T, timezone: Asia/Shanghai, ${event} }\nchannels: { main: "1" }\n`;

describe('time bounds: nothing a valid playbook holds crashes plan', () => {
  it('refuses an absurd event duration with a located RB4013', () => {
    const f = file(
      'long.yaml',
      `${head('start: "2027-01-01T10:00", duration: 99999999999999999999h')}steps:\n  - { id: m, kind: message, at: start, text: hi }\n`,
    );
    const r = planFile(f, { cwd: dir });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'RB4013', location: { line: 1, col: 81 } }]);
    expect(en(r.diagnostics[0]!.message)).toMatch(/at most 7d/);
  });

  it('refuses a billion-hour event and an end years after the start', () => {
    expect(
      planFile(file('b.yaml', `${head('start: "2027-01-01T10:00", duration: 1000000000h')}steps: []\n`), { cwd: dir }).diagnostics.map((d) => d.code),
    ).toEqual(['RB4013']);
    expect(
      planFile(file('c.yaml', `${head('start: "2027-01-01T10:00", end: "2037-01-01T10:00"')}steps: []\n`), { cwd: dir }).diagnostics.map((d) => d.code),
    ).toEqual(['RB4013']);
  });

  it('refuses a step offset beyond the bound with a located RB4002 naming the step', () => {
    const f = file('off.yaml', `${head('start: "2027-01-01T10:00", duration: 1h')}steps:\n  - { id: far, kind: message, at: +9999999999999999m, text: hi }\n`);
    const r = planFile(f, { cwd: dir });
    expect(r.diagnostics).toMatchObject([{ code: 'RB4002', stepId: 'far', location: { line: 4, col: 35 } }]);
  });

  it('refuses absolute times outside the allowed years', () => {
    const r = planFile(file('y.yaml', `${head('start: "+116106-01-01T10:00", duration: 1h')}steps: []\n`), { cwd: dir });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['RB4002']);
    const s = planFile(
      file('z.yaml', `${head('start: "2027-01-01T10:00", duration: 1h')}steps:\n  - { id: old, kind: message, at: "1900-01-01T10:00", text: hi }\n`),
      { cwd: dir },
    );
    expect(s.diagnostics).toMatchObject([{ code: 'RB4002', stepId: 'old' }]);
  });

  it('refuses an absurd check-in lead and report deadline', () => {
    const f = file(
      'lead.yaml',
      `${head('start: "2027-01-01T10:00", duration: 1h, sessionId: s1')}defaults: { checkinLead: 99999999999h }\nsteps:\n  - { id: c, kind: checkin, at: +5m, duration: 60s }\n  - { id: r, kind: reportExport, at: end+1m, deadline: 99999999999h }\n`,
    );
    expect(planFile(f, { cwd: dir }).diagnostics.map((d) => d.code)).toEqual(['RB4013', 'RB4013']);
  });

  it('the largest accepted values plan and render', () => {
    const f = file(
      'max.yaml',
      `${head('start: "2027-01-01T10:00", duration: 7d, sessionId: s1')}defaults: { checkinLead: 7d }\nsteps:\n  - { id: a, kind: message, at: -7d, text: hi }\n  - { id: b, kind: message, at: end+7d, text: hi }\n  - { id: c, kind: checkin, at: +7d, duration: 60s }\n  - { id: r, kind: reportExport, at: end+7d, deadline: 7d }\n`,
    );
    const r = planFile(f, { cwd: dir });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(() => renderPlanText(r.plan!, [], { color: false, cwd: dir })).not.toThrow();
    expect(() => JSON.stringify(planJson(r.plan!, [], dir))).not.toThrow();
  });
});

describe('the text plan', () => {
  it('shows the UTC offset, so a repeated local time after a fall-back change is told apart', () => {
    const f = file(
      'lh.yaml',
      'event: { name: LH, timezone: Australia/Lord_Howe, start: "2027-04-04T01:45+11:00", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: a, kind: message, at: start, text: hi }\n  - { id: b, kind: message, at: +20m, text: hi }\n',
    );
    const r = planFile(f, { cwd: dir });
    const text = renderPlanText(r.plan!, [], { color: false, cwd: dir });
    expect(text).toMatch(/T\+0s +2027-04-04 01:45:00 \+11:00 +message +a$/m);
    expect(text).toMatch(/T\+20m +2027-04-04 01:35:00 \+10:30 +message +b$/m);
  });

  it('prints warnings in the layout validate uses', () => {
    const f = file('past.yaml', `${head('start: "2020-12-01T19:30", duration: 1h')}steps:\n  - { id: c, kind: checkin, at: +10m, duration: 60s }\n`);
    const r = planFile(f, { cwd: dir, now: Date.parse('2026-01-01T00:00:00Z') });
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
    const text = renderPlanText(r.plan!, warnings, { color: false, cwd: dir });
    expect(text).toMatch(/^past\.yaml:4:\d+: warning RB4014 .*\[step c\]$/m);
    expect(text).not.toMatch(/^warning /m);
  });
});

describe('an event-start error hides nothing else', () => {
  it('a start in a DST gap still lets a fall-back step and an overlapping check-in be reported', () => {
    const f = file(
      'gap.yaml',
      'event: { name: G, timezone: America/New_York, start: "2027-03-14T02:30", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: fb, kind: message, at: "2027-11-07T01:30", text: hi }\n  - { id: c1, kind: checkin, at: +5m, duration: 120s }\n  - { id: c2, kind: checkin, at: +6m, duration: 120s }\n',
    );
    const r = planFile(f, { cwd: dir });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(['RB4003', 'RB4004', 'RB4008']);
  });

  it('a repeated (fall-back) start still lets the steps be checked', () => {
    const f = file(
      'amb.yaml',
      'event: { name: A, timezone: America/New_York, start: "2027-11-07T01:30", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: m, kind: message, at: start, channels: nope, text: hi }\n',
    );
    expect(planFile(f, { cwd: dir }).diagnostics.map((d) => d.code)).toEqual(['RB4004', 'RB4006']);
  });
});

describe('an empty playbook', () => {
  it.each([
    ['empty', ''],
    ['comments only', '# a lesson, one day\n\n  # more\n'],
  ])('%s: says the file is empty, at 1:1, and nothing else', (_name, text) => {
    const f = file('empty.yaml', text);
    const r = planFile(f, { cwd: dir });
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics).toMatchObject([{ code: 'RB2001', severity: 'error', location: { file: 'empty.yaml', line: 1, col: 1 } }]);
    expect(en(r.diagnostics[0]!.message)).toMatch(/^the file empty\.yaml is empty/);
  });

  it('an empty extended file is named, with where it is extended', () => {
    file('blank.yaml', '# nothing yet\n');
    const r = planFile(file('ext.yaml', 'extends: blank.yaml\n'), { cwd: dir });
    expect(r.diagnostics).toMatchObject([{ code: 'RB2001', location: { file: 'blank.yaml', line: 1, col: 1 }, related: [{ location: { file: 'ext.yaml' } }] }]);
  });
});

describe('plan --json paths', () => {
  it('files, outDirs and sources follow one rule: relative inside the cwd, absolute outside it', () => {
    file('tpl2.yaml', 'event: { name: P, timezone: Asia/Shanghai, duration: 1h }\nchannels: { main: "1" }\n');
    const f = file(
      'paths.yaml',
      'extends: tpl2.yaml\nevent: { start: "2030-12-01T19:30" }\nsteps:\n  - { id: x, kind: chatExport, at: end+1m, outDir: out }\n',
    );
    const elsewhere = mkdtempSync(join(tmpdir(), 'rb-cwd-'));
    const outside = planJson(planFile(f, { cwd: elsewhere }).plan!, [], elsewhere) as {
      event: { files: string[] };
      actions: { source: string; outDir: string }[];
    };
    expect(outside.event.files).toEqual([f, join(dir, 'tpl2.yaml')]);
    expect(outside.actions[0]!.source).toBe(`${f}:4:5`);
    expect(outside.actions[0]!.outDir).toBe(join(dir, 'out'));
    const inside = planJson(planFile(f, { cwd: dir }).plan!, [], dir) as typeof outside;
    expect(inside.event.files).toEqual(['paths.yaml', 'tpl2.yaml']);
    expect(inside.actions[0]!.source).toBe('paths.yaml:4:5');
    expect(inside.actions[0]!.outDir).toBe('out');
  });
});

describe('unknown keys', () => {
  it('suggest the close known key where it is known', () => {
    const f = file(
      'typo.yaml',
      'event: { name: T, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duraton: 1h }\nchannels: { main: "1" }\ndefaults: { policy: { mised: skip } }\nstpes: []\nsteps:\n  - { id: c, kind: checkin, at: +1m, duraton: 60s, promt: hi }\n  - { id: m, kind: message, at: +5m, text: hi, zzzzzz: 1 }\n',
    );
    const messages = planFile(f, { cwd: dir }).diagnostics.map((d) => formatMessage(d.message, 'en'));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/unknown key `duraton` in `event` \(did you mean `duration`\?\)/),
        expect.stringMatching(/unknown key `stpes` in the playbook \(did you mean `steps`\?\)/),
        expect.stringMatching(/unknown key `mised` .*\(did you mean `missed`\?\)/),
        expect.stringMatching(/unknown key `duraton` in checkin step \(did you mean `duration`\?\)/),
        expect.stringMatching(/unknown key `promt` in checkin step \(did you mean `prompt`\?\)/),
      ]),
    );
    expect(messages.find((m) => m.includes('zzzzzz'))).toBe('unknown key `zzzzzz` in message step');
  });

  it('suggest only a key of that place: a message step has no `duration`', () => {
    const f = file(
      'typo2.yaml',
      'event: { name: T, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - { id: m, kind: message, at: +5m, text: hi, duraton: 1m }\n',
    );
    expect(planFile(f, { cwd: dir }).diagnostics.map((d) => en(d.message))).toEqual(['unknown key `duraton` in message step']);
  });
});

describe('the README', () => {
  it('states the Node version package.json requires', async () => {
    const { readFileSync } = await import('node:fs');
    const root = join(import.meta.dirname, '..', '..');
    const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(engines).toMatch(/^>=\d+\.\d+\.\d+$/);
    expect(readme).toContain(`## Set up (Node ≥ ${engines.slice(2)})`);
  });
});
