// Bar (SPEC §7): validate a course term — 300 lesson files extending one course template, ~40 steps
// each, texts with variables and the date helpers — in one command (`runbook validate lessons/*.yaml`),
// whole process: ≤ 1.5 s median, ≤ 300 MB peak RSS. RUNS= (default 10), LESSONS= (default 300).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateTerm } from './gen-term.mjs';
import { machine, median, timeProcess } from './lib-stats.mjs';

const bin = new URL('../bin/runbook.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'rb-term-'));
const lessons = Number(process.env.LESSONS ?? 300);
const files = generateTerm(dir, { lessons }).map((f) => relative(dir, f));
const runs = Number(process.env.RUNS ?? 10);

// The term must be valid, or the benchmark measures the wrong thing.
const check = spawnSync(process.execPath, [bin, 'validate', ...files], { cwd: dir, encoding: 'utf8' });
if (check.status !== 0) {
  console.error(check.stdout.slice(0, 2000), check.stderr.slice(0, 2000));
  throw new Error(`the generated term does not validate (exit ${check.status})`);
}
const r = timeProcess([bin, 'validate', ...files], { runs, cwd: dir });
const bare = timeProcess(['-e', '0'], { runs, cwd: dir, rss: false });
console.log(`machine: ${machine()}; term: ${lessons} lessons × ~40 steps extending one template (${check.stdout.trim()})`);
console.log(`validate lessons/*.yaml: median ${median(r.times).toFixed(0)} ms (min ${Math.min(...r.times).toFixed(0)}, max ${Math.max(...r.times).toFixed(0)}), peak RSS ${r.peakRssMb.toFixed(0)} MB (bar ≤ 1500 ms, ≤ 300 MB); bare node -e 0: ${median(bare.times).toFixed(0)} ms`);
rmSync(dir, { recursive: true, force: true });
