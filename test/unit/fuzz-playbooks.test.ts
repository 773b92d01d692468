import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { planJson, renderPlanText } from '../../src/cli/render/plan.js';
import { DiagnosticCodes } from '../../src/core/diagnostic.js';

/**
 * Generated and mutated playbooks: whatever the input, planning ends with a plan or with diagnostics,
 * each carrying a known code and a location (file, line ≥ 1, column ≥ 1) — never an exception.
 * The benchmark variant (bench/fuzz.mjs) runs 10,000 cases.
 */
const dir = mkdtempSync(join(tmpdir(), 'rb-fuzz-'));
const CODES = new Set<string>(Object.values(DiagnosticCodes));

const valid = `event: { name: Fuzz, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1h }
channels: { main: "1000001", side: "1000002" }
vars: { who: 老师 }
steps:
  - id: hello
    kind: message
    at: -5m
    text: "你好 {{who}} {{time event.start}}"
  - id: c1
    kind: checkin
    at: +10m
    duration: 60s
  - kind: historyExport
    at: end+5m
`;

const fragments = [
  '{{',
  '}}',
  '{{nope}}',
  '{{constructor}}',
  ':',
  '- ',
  '&a ',
  '*a',
  '\t',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '\n',
  '  ',
  'kind: checkin',
  'at: +9m',
  'duration: 99999s',
  'timezone: Mars/Base',
  '__proto__: 1',
  'appSecret: x',
  'extends: ./nothing.yaml',
  'channels: nope',
  '2026-03-08T02:30',
  '%',
  '!!binary',
  '? ',
  '|',
  '>',
  '{{#if who}}',
  '{{/if}}',
  '{{else}}',
  '{{~who~}}',
  '\\{{who}}',
  '{{{who}}}',
  '{{lookup event "toString"}}',
  '{{event.start.length}}',
  '{{add event.start "x"}}',
  '{{log}}',
  'log: 1',
  '---\n',
  'channelId: 00012345678901234567890',
  '"0001000"',
  'end: "2026-12-01T21:00"',
  'image: file:///etc/passwd',
  '99999999999999999999h',
  'at: +9999999999999999m',
  'end+1000000000h',
  '+116106-01-01T10:00',
  '1e30',
];

function check(text: string, n: number): void {
  const f = join(dir, `f${n % 16}.yaml`);
  writeFileSync(f, text);
  const r = planFile(f, { cwd: dir });
  for (const d of r.diagnostics) {
    expect(CODES.has(d.code), `unknown code ${d.code}`).toBe(true);
    expect(d.location.file).toBeTruthy();
    expect(d.location.line).toBeGreaterThanOrEqual(1);
    expect(d.location.col).toBeGreaterThanOrEqual(1);
    expect(d.message).not.toMatch(/\n\s+at /); // no stack trace inside a message
  }
  if (!r.plan) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  // Whatever plans also prints: no time in a plan is beyond what the renderers can format.
  else {
    renderPlanText(r.plan, r.diagnostics, { color: false, cwd: dir });
    JSON.stringify(planJson(r.plan, r.diagnostics, dir));
  }
}

describe('fuzzed playbooks', () => {
  it('mutations of a valid playbook never crash', () => {
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ pos: fc.nat(), del: fc.nat({ max: 8 }), ins: fc.constantFrom(...fragments) }), { minLength: 1, maxLength: 6 }),
        (edits) => {
          let text = valid;
          for (const e of edits) {
            const at = e.pos % (text.length + 1);
            text = text.slice(0, at) + e.ins + text.slice(at + e.del);
          }
          check(text, n++);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random YAML-ish documents never crash', () => {
    let n = 0;
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(
          fc.constantFrom('event', 'steps', 'kind', 'at', 'text', 'channels', 'vars', 'params', 'defaults', 'id', 'duration', 'start', 'timezone', 'x'),
          tie('v'),
          { maxKeys: 5 },
        ),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        check(JSON.stringify(v), n++);
      }),
      { numRuns: 200 },
    );
  });
});
