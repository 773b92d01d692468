// SPEC §7 bar (no V8 flags): exporting 1,000,000 history records (1,000 pages) from the sandbox at ≥ 90 % of the
// throughput of a bare undici loop over the same pages in the same run; exporter peak RSS ≤ 150 MB
// and flat (100,000 vs 1,000,000 records).
//
// Both sides are whole programs, each in its own process, timed from spawn to exit: the exporter is
// the real command (`runbook export history --endpoint …`, as a user runs it), the reference is a bare
// undici loop (bench/lib-bare-loop.mjs: sign, GET, parse, follow the cursor, discard). They alternate,
// against one sandbox in a third process. The window is [from, from + records − 1]: both ends inclusive. Env: RECORDS (default 1,000,000), RUNS (default 3).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CREDENTIALS } from '../dist/index.js';
import { machine, median } from './lib-stats.mjs';
import { sandboxProcess } from './lib-sandbox.mjs';

const N = Number(process.env.RECORDS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const from = 1_700_000_000_000;
const sb = await sandboxProcess({ seedMessages: N, seedStartMs: from, seedSpacingMs: 1, channels: ['1000001'], rateLimit: { max: 1_000_000 } });
const bin = new URL('../bin/runbook.js', import.meta.url).pathname;
const rssHook = new URL('./lib-rss.mjs', import.meta.url).pathname;

function bare(records) {
  const t0 = performance.now();
  const out = execFileSync(
    process.execPath,
    [new URL('./lib-bare-loop-child.mjs', import.meta.url).pathname, sb.url, String(from), String(from + records - 1), JSON.stringify(DEMO_CREDENTIALS)],
    { encoding: 'utf8' },
  );
  const ms = performance.now() - t0;
  const r = JSON.parse(out.trim().split('\n').pop());
  if (r.records !== records) throw new Error(`bare loop: expected ${records} records, got ${r.records}`);
  return { ms, peakRssMb: r.peakRssMb };
}

function exporter(records, format = 'jsonl') {
  const dir = mkdtempSync(join(process.env.BENCH_OUT ?? tmpdir(), 'rb-hist-'));
  const rssFile = join(dir, 'rss');
  const env = {
    ...process.env,
    POLYV_APP_ID: DEMO_CREDENTIALS.appId,
    POLYV_APP_SECRET: DEMO_CREDENTIALS.appSecret,
    POLYV_USER_ID: DEMO_CREDENTIALS.userId,
    RUNBOOK_BENCH_RSS_FILE: rssFile,
  };
  const args = [
    '--import',
    rssHook,
    bin,
    'export',
    'history',
    '--channel',
    '1000001',
    '--from',
    String(from),
    '--to',
    String(from + records - 1),
    '--format',
    format,
    '--out',
    join(dir, 'out'),
    '--endpoint',
    sb.url,
  ];
  const t0 = performance.now();
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] });
  const ms = performance.now() - t0;
  const wrote = /, (\d+) records\)/.exec(out);
  if (!wrote || Number(wrote[1]) !== records) throw new Error(`exporter: expected ${records} records, got: ${out.trim()}`);
  const peakRssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
  rmSync(dir, { recursive: true, force: true });
  return { ms, peakRssMb };
}

const bareRate = [];
const expRate = [];
const bareRss = [];
const expRss = [];
for (let i = 0; i < RUNS; i++) {
  const b = bare(N);
  const e = exporter(N);
  bareRate.push(N / (b.ms / 1000));
  expRate.push(N / (e.ms / 1000));
  bareRss.push(b.peakRssMb);
  expRss.push(e.peakRssMb);
}
const small = exporter(Math.round(N / 10));
const csv = exporter(N, 'csv');
await sb.stop();
const mb = median(bareRate);
const me = median(expRate);
const mbs = (xs) => xs.map((x) => x.toFixed(0)).join('/');
console.log(`machine: ${machine()}; ${N} records, pages of 1000, ${RUNS} runs; each side a whole process, timed spawn to exit`);
console.log(`bare undici loop (fetch + parse, discard): median ${Math.round(mb)} records/s; peak RSS ${mbs(bareRss)} MB`);
console.log(`runbook export history → JSONL (fetch, filter, dedupe, write, checkpoint): median ${Math.round(me)} records/s`);
console.log(`ratio export/bare: ${(me / mb).toFixed(3)} (bar ≥ 0.90); per run: ${expRate.map((r, i) => (r / bareRate[i]).toFixed(3)).join(' ')}`);
console.log(`exporter peak RSS: ${small.peakRssMb.toFixed(0)} MB at ${Math.round(N / 10)} records, ${mbs(expRss)} MB at ${N} records (bar ≤ 150 MB, flat)`);
console.log(
  `CSV export: ${Math.round(N / (csv.ms / 1000))} records/s (${(N / (csv.ms / 1000) / mb).toFixed(3)} of bare), peak RSS ${csv.peakRssMb.toFixed(0)} MB`,
);
