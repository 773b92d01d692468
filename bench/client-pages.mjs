// Issue 3: the client fetching 1,000 pages of 1,000 records from the sandbox, against a bare undici
// loop over the same pages in the same run. Reports both throughputs and the ratio (median of RUNS).
import { Credentials, DEMO_CREDENTIALS, PolyvClient, RateLimiter } from '../dist/index.js';
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

const bare = [];
const client = [];
for (let i = 0; i < RUNS; i++) {
  const b = await bareLoop(sb.url, DEMO_CREDENTIALS, { from, to });
  const c = await viaClient();
  if (b.records !== N || c.records !== N) throw new Error(`expected ${N} records, got bare ${b.records}, client ${c.records}`);
  bare.push(N / (b.ms / 1000));
  client.push(N / (c.ms / 1000));
}
await sb.stop();
const mb = median(bare);
const mc = median(client);
console.log(`machine: ${machine()}; ${N} records in pages of 1000, ${RUNS} runs`);
console.log(`bare undici loop: median ${Math.round(mb)} records/s`);
console.log(`PolyvClient:      median ${Math.round(mc)} records/s (default rate limiter: 1200 requests / 10 s)`);
console.log(`ratio client/bare: ${(mc / mb).toFixed(3)}`);
