import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { planJson, renderPlanText } from '../../src/cli/render/plan.js';
import { DiagnosticCodes } from '../../src/core/diagnostic.js';
import corpus from '../helpers/fuzz-corpus.json' with { type: 'json' };
import { formatMessage } from '../../src/i18n/index.js';

const en = (m: Parameters<typeof formatMessage>[0]): string => formatMessage(m, 'en');

/**
 * Generated and mutated playbooks: whatever the input, planning ends with a plan or with diagnostics,
 * each carrying a known code and a location (file, line ≥ 1, column ≥ 1) — never an exception.
 * The benchmark variant (bench/fuzz.mjs) runs 10,000 cases.
 */
const dir = mkdtempSync(join(tmpdir(), 'rb-fuzz-'));
const CODES = new Set<string>(Object.values(DiagnosticCodes));

const { valid, fragments } = corpus;

function check(text: string, n: number): void {
  const f = join(dir, `f${n % 16}.yaml`);
  writeFileSync(f, text);
  const r = planFile(f, { cwd: dir });
  for (const d of r.diagnostics) {
    expect(CODES.has(d.code), `unknown code ${d.code}`).toBe(true);
    expect(d.location.file).toBeTruthy();
    expect(d.location.line).toBeGreaterThanOrEqual(1);
    expect(d.location.col).toBeGreaterThanOrEqual(1);
    expect(en(d.message)).not.toMatch(/\n\s+at /); // no stack trace inside a message
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
