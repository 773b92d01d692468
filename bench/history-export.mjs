// Issue 5 bar: exporting 1,000,000 history records (1,000 pages) from the sandbox at ≥ 90 % of the
// throughput of a bare undici loop over the same pages in the same run; exporter peak RSS ≤ 100 MB
// and flat (100,000 vs 1,000,000 records).
import { execFileSync } from 'node:child_process';
import { DEMO_CREDENTIALS } from '../dist/index.js';
import { bareLoop } from './lib-bare-loop.mjs';
import { machine, median } from './lib-stats.mjs';
import { sandboxProcess } from './lib-sandbox.mjs';

const N = Number(process.env.RECORDS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const from = 1_700_000_000_000;
const sb = await sandboxProcess({ seedMessages: N, seedStartMs: from, seedSpacingMs: 1, channels: ['1000001'], rateLimit: { max: 1_000_000 } });

function exporter(records, format = 'jsonl') {
  const out = execFileSync(process.execPath, [new URL('./lib-export-child.mjs', import.meta.url).pathname, sb.url, String(from), String(from + records), format], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const bare = [];
const exp = [];
let last;
for (let i = 0; i < RUNS; i++) {
  const b = await bareLoop(sb.url, DEMO_CREDENTIALS, { from, to: from + N });
  const e = exporter(N);
  if (b.records !== N || e.records !== N) throw new Error(`expected ${N}, got bare ${b.records}, exporter ${e.records}`);
  bare.push(N / (b.ms / 1000));
  exp.push(N / (e.ms / 1000));
  last = e;
}
const small = exporter(Math.round(N / 10));
const csv = exporter(N, 'csv');
await sb.stop();
const mb = median(bare);
const me = median(exp);
console.log(`machine: ${machine()}; ${N} records, pages of 1000, ${RUNS} runs`);
console.log(`bare undici loop (fetch + parse, discard): median ${Math.round(mb)} records/s`);
console.log(`history export to JSONL (fetch, filter, dedupe, write, checkpoint): median ${Math.round(me)} records/s`);
console.log(`ratio export/bare: ${(me / mb).toFixed(3)} (bar ≥ 0.90)`);
console.log(`exporter peak RSS: ${small.peakRssMb.toFixed(0)} MB at ${Math.round(N / 10)} records, ${last.peakRssMb.toFixed(0)} MB at ${N} records (bar ≤ 100 MB, flat)`);
console.log(`CSV export: ${Math.round(N / (csv.ms / 1000))} records/s, peak RSS ${csv.peakRssMb.toFixed(0)} MB`);
