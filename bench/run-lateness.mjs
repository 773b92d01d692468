// SPEC §7 bar: 1,000 messages on 100 channels due within 10 s, run by the real CLI against the
// sandbox (its own process) on loopback. Lateness is measured **in the runner**: from the action's
// instant to the moment undici reports its request handed whole to the socket (a probe preloaded
// into the runner listens to undici's diagnostics channel; bench/lib-lateness-probe.mjs). Bar: p99 ≤
// 10 ms, none early, none lost or doubled. End-to-end lateness at the sandbox (its receive time, ms
// resolution, stamped when the request's last byte is read) is printed beside it.
//
//   node bench/run-lateness.mjs [--runs N] [--cold-sandbox]
//
// Each run has a fresh sandbox and a fresh runner.
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

const channels = Array.from({ length: CHANNELS }, (_, c) => String(3_000_000 + c));
const lines = ['event: { name: Burst, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }', 'channels:'];
channels.forEach((id, c) => lines.push(`  c${c}: "${id}"`));
lines.push('steps:');
for (let c = 0; c < CHANNELS; c++)
  for (let k = 0; k < PER_CHANNEL; k++) lines.push(`  - { id: m${c}-${k}, kind: message, at: "+${k}s", channels: c${c}, text: "burst ${c}-${k}" }`);
const playbook = `${lines.join('\n')}\n`;

/** The action a request was: its text is `burst C-K`, the message `mC-K`. */
function actionOf(line) {
  if (!line.path.includes('send-custom-message')) return undefined;
  const content = new URLSearchParams(line.body).get('content');
  const text = content ? Buffer.from(content, 'base64url').toString('utf8') : '';
  return text.startsWith('burst ') ? text.replace('burst ', 'm') : undefined;
}

function stats(xs) {
  return { p50: median(xs), p99: percentile(xs, 99), max: Math.max(...xs), early: xs.filter((l) => l < 0).length };
}

/** One run: a fresh sandbox, the real CLI with the probe; lateness of every message in the runner and at the sandbox. */
async function measure() {
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
    const warm = new PolyvClient({
      credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'bench'),
      baseUrl: sb.url,
      limiter: new RateLimiter({ max: 100_000, windowMs: 10_000 }),
    });
    for (let round = 0; round < 5; round++)
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          warm.sendCustomMessage({ channelId: WARM_CHANNEL, content: `warm ${round}-${i}`, joinHistoryList: 0, watchType: 1 }),
        ),
      );
    await warm.close();
  }
  // The runner's output goes to a file, as it would on the day (a terminal or a log), not to a pipe
  // into this process: reading 200 lines a second from a pipe would wake a third process at every
  // burst, on a machine of two cores.
  const eventsFile = join(dir, 'events.jsonl');
  const outFd = openSync(eventsFile, 'w');
  const probeFile = join(dir, 'probe.jsonl');
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      new URL('./lib-lateness-probe.mjs', import.meta.url).pathname,
      'bin/runbook.js',
      'run',
      file,
      '--endpoint',
      sb.url,
      '--start',
      'now+3s',
      '--json',
      '--state-dir',
      join(dir, 'state'),
    ],
    {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        RUNBOOK_BENCH_PROBE_FILE: probeFile,
        POLYV_APP_ID: DEMO_CREDENTIALS.appId,
        POLYV_APP_SECRET: DEMO_CREDENTIALS.appSecret,
        POLYV_USER_ID: DEMO_CREDENTIALS.userId,
      },
      encoding: 'utf8',
      stdio: ['ignore', outFd, 'pipe'],
    },
  );
  closeSync(outFd);
  await sb.stop();
  if (run.status !== 0) throw new Error(`run exited ${run.status}: ${run.stderr}`);
  const events = readFileSync(eventsFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const planned = new Map(events.filter((e) => e.type === 'dispatch').map((e) => [e.unit, e.plannedAt]));
  const log = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params.channelId !== WARM_CHANNEL);
  const seen = new Map();
  const atSandbox = [];
  for (const e of log) {
    const id = String(e.params.text).replace('burst ', 'm');
    seen.set(id, (seen.get(id) ?? 0) + 1);
    atSandbox.push(e.receivedAt - planned.get(id));
  }
  const inRunner = [];
  const byBurst = Array.from({ length: PER_CHANNEL }, () => []);
  const written = new Map();
  for (const line of readFileSync(probeFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))) {
    const id = actionOf(line);
    if (!id || !planned.has(id)) continue;
    written.set(id, (written.get(id) ?? 0) + 1);
    const late = line.t - planned.get(id);
    inRunner.push(late);
    byBurst[Number(id.split('-')[1])].push(late);
  }
  const expected = CHANNELS * PER_CHANNEL;
  return {
    runner: stats(inRunner),
    sandbox: stats(atSandbox),
    bursts: byBurst.map((xs) => `${Math.min(...xs).toFixed(1)}/${Math.max(...xs).toFixed(1)}`).join(', '),
    lost: [...planned.keys()].filter((id) => !seen.has(id)).length + (expected - planned.size),
    doubled: [...seen.values()].filter((n) => n > 1).length + [...written.values()].filter((n) => n > 1).length,
  };
}

const fmt = (s) => `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(2)} ms, early ${s.early}`;
console.log(`machine: ${machine()}; ${CHANNELS * PER_CHANNEL} messages on ${CHANNELS} channels within ${PER_CHANNEL} s; ${runs} run(s)`);
const results = [];
for (let i = 0; i < runs; i++) {
  const r = await measure();
  results.push(r);
  console.log(`run ${i + 1}: in the runner ${fmt(r.runner)}; at the sandbox ${fmt(r.sandbox)}; lost ${r.lost}, doubled ${r.doubled}`);
  console.log(`    in the runner, per burst, first/last written (ms): ${r.bursts}`);
}
const m = (side, k) => median(results.map((r) => r[side][k])).toFixed(2);
const sum = (f) => results.reduce((a, r) => a + f(r), 0);
console.log(
  `median of ${runs}: in the runner p50 ${m('runner', 'p50')} ms, p99 ${m('runner', 'p99')} ms, max ${m('runner', 'max')} ms (bar p99 ≤ 10); at the sandbox p50 ${m('sandbox', 'p50')} ms, p99 ${m('sandbox', 'p99')} ms, max ${m('sandbox', 'max')} ms; early ${sum((r) => r.runner.early)} (runner) / ${sum((r) => r.sandbox.early)} (sandbox), lost ${sum((r) => r.lost)}, doubled ${sum((r) => r.doubled)}`,
);
