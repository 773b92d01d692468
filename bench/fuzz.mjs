// Issue 6: 10,000 generated and mutated playbooks (CASES) through the whole pipeline: no crash, no
// stack trace, every diagnostic with a known code and a location.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DiagnosticCodes, planFile } from '../dist/index.js';
import { machine } from './lib-stats.mjs';

const CASES = Number(process.env.CASES ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'rb-fuzzb-'));
const codes = new Set(Object.values(DiagnosticCodes));
// The corpus is the unit test's (test/unit/fuzz-playbooks.test.ts): one list, run 10,000 times here.
const { valid: base, fragments } = JSON.parse(readFileSync(new URL('../test/helpers/fuzz-corpus.json', import.meta.url), 'utf8'));
let n = 0;
let diagnostics = 0;
let plans = 0;
const t0 = Date.now();
fc.assert(
  fc.property(fc.array(fc.record({ pos: fc.nat(), del: fc.nat({ max: 12 }), ins: fc.constantFrom(...fragments) }), { minLength: 1, maxLength: 8 }), (edits) => {
    let text = base;
    for (const e of edits) {
      const at = e.pos % (text.length + 1);
      text = text.slice(0, at) + e.ins + text.slice(at + e.del);
    }
    const f = join(dir, `f${n++ % 8}.yaml`);
    writeFileSync(f, text);
    const r = planFile(f, { cwd: dir });
    if (r.plan) plans += 1;
    for (const d of r.diagnostics) {
      diagnostics += 1;
      if (!codes.has(d.code) || !(d.location.line >= 1) || !(d.location.col >= 1) || /\n\s+at /.test(d.message))
        throw new Error(`bad diagnostic: ${JSON.stringify(d)}`);
    }
    if (!r.plan && !r.diagnostics.some((d) => d.severity === 'error')) throw new Error('no plan and no error');
  }),
  { numRuns: CASES, seed: Number(process.env.SEED ?? 1) },
);
console.log(
  `machine: ${machine()}; ${CASES} mutated playbooks in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${plans} planned, ${diagnostics} diagnostics, every one with a known code and a location; no exception`,
);
