// Bar (SPEC §7): validate a course term — 300 lesson files extending one course template, ~40 steps
// each, texts with variables and the date helpers — in one command (`runbook validate lessons/*.yaml`),
// whole process: ≤ 1.5 s median, ≤ 300 MB peak RSS. RUNS= (default 10), LESSONS= (default 300).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { generateTerm } from './gen-term.mjs';
import { machine, median } from './lib-stats.mjs';

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
const usageFile = join(dir, 'usage');
const hook = new URL('./lib-usage.mjs', import.meta.url).pathname;
const wall = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['--import', hook, bin, 'validate', ...files], {
    cwd: dir,
    env: { ...process.env, RUNBOOK_BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  wall.push(performance.now() - t0);
  if (run.status !== 0) throw new Error(`validate exited ${run.status}: ${run.stderr}`);
}
const usage = readFileSync(usageFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(' ').map(Number));
const rssMb = Math.max(...usage.map(([kb]) => kb)) / 1024;
const cpuMs = usage.map(([, us]) => us / 1000);
const bare = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  bare.push(performance.now() - t0);
}
console.log(`machine: ${machine()}; term: ${lessons} lessons × ~40 steps extending one template (${check.stdout.trim()}); ${runs} runs`);
console.log(
  `validate lessons/*.yaml: wall median ${median(wall).toFixed(0)} ms (min ${Math.min(...wall).toFixed(0)}, max ${Math.max(...wall).toFixed(0)}), CPU median ${median(cpuMs).toFixed(0)} ms, peak RSS ${rssMb.toFixed(0)} MB (bar ≤ 1500 ms, ≤ 300 MB)`,
);
console.log(`bare node -e 0: wall median ${median(bare).toFixed(0)} ms (on a quiet machine ~45 ms: a larger figure means the machine was loaded)`);
rmSync(dir, { recursive: true, force: true });
