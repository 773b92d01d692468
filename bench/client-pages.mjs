// Issue 3: the client fetching 1,000 pages of 1,000 records from the sandbox, against a bare undici
// loop over the same pages in the same run. Reports both throughputs and the ratio (median of RUNS).
import { Credentials, DEFAULT_RATE_LIMIT, DEMO_CREDENTIALS, PolyvClient, RateLimiter } from '../dist/index.js';
import { bareLoop } from './lib-bare-loop.mjs';
import { machine, median } from './lib-stats.mjs';
import { sandboxProcess } from './lib-sandbox.mjs';

const N = Number(process.env.RECORDS ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const from = 1_700_000_000_000;
const to = from + N;
const sb = await sandboxProcess({ seedMessages: N, seedStartMs: from, seedSpacingMs: 1, channels: ['1000001'], rateLimit: { max: 1_000_000 } });
const creds = new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'bench');

async function viaClient() {
  // A fresh limiter with the default pacing per run, as a fresh process would have.
  const client = new PolyvClient({ credentials: creds, baseUrl: sb.url, limiter: new RateLimiter() });
  let cursor;
  let records = 0;
  const t0 = performance.now();
  for (;;) {
    const page = await client.getSpeakList({ userId: client.userId, startTime: from, endTime: to, size: 1000, ...(cursor ? { cursor } : {}) });
    if (page.list.length === 0) break;
    records += page.list.length;
    cursor = page.cursor;
  }
  const ms = performance.now() - t0;
  await client.close();
  return { records, ms };
}

/** Wall time and this process's CPU time (the sandbox runs in its own process, so this is the client's share). */
async function measured(fn) {
  const cpu0 = process.cpuUsage();
  const r = await fn();
  const cpu = process.cpuUsage(cpu0);
  return { ...r, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const bare = [];
const client = [];
const bareCpu = [];
const clientCpu = [];
for (let i = 0; i < RUNS; i++) {
  // Alternate which goes first, so neither always meets a warmer sandbox.
  const order = i % 2 === 0 ? ['bare', 'client'] : ['client', 'bare'];
  const r = {};
  for (const which of order) r[which] = await measured(() => (which === 'bare' ? bareLoop(sb.url, DEMO_CREDENTIALS, { from, to }) : viaClient()));
  if (r.bare.records !== N || r.client.records !== N) throw new Error(`expected ${N} records, got bare ${r.bare.records}, client ${r.client.records}`);
  bare.push(N / (r.bare.ms / 1000));
  client.push(N / (r.client.ms / 1000));
  bareCpu.push(r.bare.cpuMs / (N / 1000));
  clientCpu.push(r.client.cpuMs / (N / 1000));
}
await sb.stop();
const mb = median(bare);
const mc = median(client);
const pages = N / 1000;
console.log(`machine: ${machine()}; ${N} records in ${pages} pages of 1000, ${RUNS} runs (order alternated)`);
console.log(`bare undici loop: median ${Math.round(mb)} records/s; client-side CPU ${median(bareCpu).toFixed(2)} ms/page`);
console.log(
  `PolyvClient:      median ${Math.round(mc)} records/s; client-side CPU ${median(clientCpu).toFixed(2)} ms/page (default limiter: ${DEFAULT_RATE_LIMIT.max} requests / ${DEFAULT_RATE_LIMIT.windowMs / 1000} s)`,
);
console.log(`ratio client/bare: ${(mc / mb).toFixed(3)}`);
// When the client's process is idle for much of the wall time, it is waiting for the sandbox
// (generating and serialising pages): the sandbox, not the client, is the bound.
const busy = (median(clientCpu) * pages) / ((N / mc) * 1000);
console.log(
  `client CPU busy ${(busy * 100).toFixed(0)}% of its wall time${busy < 0.7 ? ' — the sandbox serving pages is the bottleneck, not the client' : ''}`,
);
