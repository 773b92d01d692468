// Issue 4 bar: 1,000 messages on 100 channels due within 10 s, run by the real CLI against the
// sandbox (its own process) on loopback. Lateness = the sandbox's receive time − the action's planned
// time: p99 ≤ 10 ms, max ≤ 25 ms, none early, none lost or doubled.
//
//   node bench/run-lateness.mjs [--runs N] [--compare | --compare-all] [--cold-sandbox]
//
// Each run has a fresh sandbox and a fresh runner. `--compare` alternates the runner as shipped with
// the runner that sends each call whole at its instant instead of staging it ahead
// (RUNBOOK_NO_STAGING=1); `--compare-all` adds a third, without staging, rehearsal or collection ahead
// (RUNBOOK_NO_REHEARSAL=1, RUNBOOK_NO_GC_AHEAD=1 too). All are measured in one invocation on the
// same (noisy) machine, in turn.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Credentials, DEMO_CREDENTIALS, PolyvClient, RateLimiter } from '../dist/index.js';
import { machine, median, percentile } from './lib-stats.mjs';
import { sandboxProcess } from './lib-sandbox.mjs';

const CHANNELS = 100;
const PER_CHANNEL = 10;
const WARM_CHANNEL = '3999999';
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('--runs', 3));
const compareAll = process.argv.includes('--compare-all');
const compare = compareAll || process.argv.includes('--compare');
const variants = [
  { name: 'as shipped', env: {} },
  ...(compare ? [{ name: 'no staging', env: { RUNBOOK_NO_STAGING: '1' } }] : []),
  ...(compareAll ? [{ name: 'no staging, rehearsal or gc ahead', env: { RUNBOOK_NO_STAGING: '1', RUNBOOK_NO_REHEARSAL: '1', RUNBOOK_NO_GC_AHEAD: '1' } }] : []),
];

const channels = Array.from({ length: CHANNELS }, (_, c) => String(3_000_000 + c));
const lines = ['event: { name: Burst, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }', 'channels:'];
channels.forEach((id, c) => lines.push(`  c${c}: "${id}"`));
lines.push('steps:');
for (let c = 0; c < CHANNELS; c++) for (let k = 0; k < PER_CHANNEL; k++) lines.push(`  - { id: m${c}-${k}, kind: message, at: "+${k}s", channels: c${c}, text: "burst ${c}-${k}" }`);
const playbook = `${lines.join('\n')}\n`;

/** One run: a fresh sandbox, the real CLI; lateness of every message at the sandbox. */
async function measure(variantEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-late-'));
  const file = join(dir, 'burst.yaml');
  writeFileSync(file, playbook);
  const logFile = join(dir, 'sandbox.jsonl');
  const sb = await sandboxProcess({ channels: [...channels, WARM_CHANNEL], log: logFile });
  // The sandbox is the measuring instrument: a freshly started Node server is slow at its first few
  // hundred requests (its code not yet compiled), which would be charged to the runner's first burst.
  // So it serves some requests on a channel of its own first; the runner itself starts cold, as on
  // the day. `--cold-sandbox` skips this.
  if (!process.argv.includes('--cold-sandbox')) {
    const warm = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'bench'), baseUrl: sb.url, limiter: new RateLimiter({ max: 100_000, windowMs: 10_000 }) });
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 100 }, (_, i) => warm.sendCustomMessage({ channelId: WARM_CHANNEL, content: `warm ${round}-${i}`, joinHistoryList: 0, watchType: 1 })));
    await warm.close();
  }
  // The runner's output goes to a file, as it would on the day (a terminal or a log), not to a pipe
  // into this process: reading 200 lines a second from a pipe would wake a third process at every
  // burst, on a machine of two cores.
  const eventsFile = join(dir, 'events.jsonl');
  const outFd = openSync(eventsFile, 'w');
  const run = spawnSync(process.execPath, ['bin/runbook.js', 'run', file, '--endpoint', sb.url, '--start', 'now+3s', '--json', '--state-dir', join(dir, 'state')], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, ...variantEnv, POLYV_APP_ID: DEMO_CREDENTIALS.appId, POLYV_APP_SECRET: DEMO_CREDENTIALS.appSecret, POLYV_USER_ID: DEMO_CREDENTIALS.userId },
    encoding: 'utf8',
    stdio: ['ignore', outFd, 'pipe'],
  });
  closeSync(outFd);
  await sb.stop();
  if (run.status !== 0) throw new Error(`run exited ${run.status}: ${run.stderr}`);
  const events = readFileSync(eventsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const planned = new Map(events.filter((e) => e.type === 'dispatch').map((e) => [e.unit, e.plannedAt]));
  const log = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params.channelId !== WARM_CHANNEL);
  const seen = new Map();
  const lateness = [];
  const byBurst = Array.from({ length: PER_CHANNEL }, () => []);
  for (const e of log) {
    const id = String(e.params.text).replace('burst ', 'm');
    seen.set(id, (seen.get(id) ?? 0) + 1);
    const late = e.receivedAtHr - planned.get(id);
    lateness.push(late);
    byBurst[Number(id.split('-')[1])].push(late);
  }
  const expected = CHANNELS * PER_CHANNEL;
  return {
    p50: median(lateness),
    p99: percentile(lateness, 99),
    max: Math.max(...lateness),
    bursts: byBurst.map((xs) => `${Math.min(...xs).toFixed(1)}/${Math.max(...xs).toFixed(1)}`).join(', '),
    early: lateness.filter((l) => l < 0).length,
    lost: [...planned.keys()].filter((id) => !seen.has(id)).length + (expected - planned.size),
    doubled: [...seen.values()].filter((n) => n > 1).length,
  };
}

console.log(`machine: ${machine()}; ${CHANNELS * PER_CHANNEL} messages on ${CHANNELS} channels within ${PER_CHANNEL} s; ${runs} run(s) per variant${compare ? ', alternating' : ''}`);
const results = new Map(variants.map((v) => [v.name, []]));
for (let i = 0; i < runs; i++) {
  for (const v of variants) {
    const r = await measure(v.env);
    results.get(v.name).push(r);
    console.log(`[${v.name}] run ${i + 1}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms; early ${r.early}, lost ${r.lost}, doubled ${r.doubled}`);
    console.log(`    per burst, first/last arrival (ms): ${r.bursts}`);
  }
}
for (const [name, rs] of results) {
  const m = (k) => median(rs.map((r) => r[k])).toFixed(2);
  console.log(`[${name}] median of ${rs.length}: p50 ${m('p50')} ms, p99 ${m('p99')} ms, max ${m('max')} ms (bar p99 ≤ 10, max ≤ 25); early ${rs.reduce((a, r) => a + r.early, 0)}, lost ${rs.reduce((a, r) => a + r.lost, 0)}, doubled ${rs.reduce((a, r) => a + r.doubled, 0)}`);
}
