// The history exporter in its own process, so its peak RSS is its own. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Credentials, DEMO_CREDENTIALS, PolyvClient, RateLimiter, noCheckpoint, runHistoryExport } from '../dist/index.js';

const [url, from, to, format] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5] ?? 'jsonl'];
const out = mkdtempSync(join(process.env.BENCH_OUT ?? tmpdir(), 'rb-hist-'));
const client = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'bench'), baseUrl: url, limiter: new RateLimiter() });
const t0 = performance.now();
const done = await runHistoryExport(client, { channelId: '1000001', from, to, format, outDir: out, date: 'bench' }, noCheckpoint());
const ms = performance.now() - t0;
await client.close();
rmSync(out, { recursive: true, force: true });
console.log(JSON.stringify({ records: done.records, bytes: done.bytes, ms, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
