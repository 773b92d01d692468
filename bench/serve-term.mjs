// Bar (SPEC §7): `runbook serve` holding a term of 2,000 lessons (~80,000 actions): start (load,
// validate together, plan) ≤ 10 s, RSS ≤ 400 MB; and a 100-message burst inside it keeps the
// runner-side lateness bar. The real CLI, whole process, against the sandbox in its own process.
// `LESSONS=` changes the size; the burst lesson's time is written before serve starts, far enough
// ahead for the load (`BURST_AHEAD_S`, default 120). Run once: the CPU is shared.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { generateTerm } from './gen-term.mjs';
import { machine } from './lib-stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const LESSONS = Number(process.env.LESSONS ?? 2000);
const BURST_AHEAD_S = Number(process.env.BURST_AHEAD_S ?? 120);
const dir = mkdtempSync(join(tmpdir(), 'rb-term-'));
// The term of bench/validate-term.mjs (one course template, lessons of ~40 steps with variables and
// date helpers, on a shared channel), at 2,000 lessons: ~92,000 actions.
const files = generateTerm(dir, { lessons: LESSONS });
// The burst: 100 messages on 100 channels at one instant, soon after serve has loaded.
const burstAt = Date.now() + BURST_AHEAD_S * 1000;
const channels = Array.from({ length: 100 }, (_, i) => `  b${i}: "${3_000_000 + i}"`).join('\n');
writeFileSync(
  join(dir, 'lessons', 'burst.yaml'),
  `event: { name: Burst, timezone: UTC, start: "${new Date(burstAt).toISOString()}", duration: 10s }\nchannels:\n${channels}\nsteps:\n  - { id: burst, kind: message, at: start, text: "burst" }\n`,
);

// The sandbox in its own process (`runbook sandbox`), with the demo credentials it prints.
const sandbox = spawn(process.execPath, [join(root, 'bin/runbook.js'), 'sandbox', '--port', '0', '--seed-messages', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const sb = await new Promise((resolve) => {
  let text = '';
  sandbox.stdout.on('data', (c) => {
    text += c.toString();
    const url = /listening on (http:\S+)/.exec(text)?.[1];
    const creds = /export POLYV_APP_ID=(\S+) POLYV_USER_ID=(\S+) POLYV_APP_SECRET=(\S+)/.exec(text);
    if (url && creds) resolve({ url, env: { POLYV_APP_ID: creds[1], POLYV_USER_ID: creds[2], POLYV_APP_SECRET: creds[3] } });
  });
});
const env = { ...process.env, ...sb.env, NO_COLOR: '1' };
const t0 = performance.now();
const child = spawn(
  process.execPath,
  [join(root, 'bin/runbook.js'), 'serve', 'lessons', 'templates', '--port', '0', '--endpoint', sb.url, '--state-dir', join(dir, 'state')],
  { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
let started;
let lateness = [];
const rss = () => {
  const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)[1]) / 1024, hwm: Number(/VmHWM:\s+(\d+)/.exec(s)[1]) / 1024 };
};
let atStart;
child.stdout.on('data', (c) => {
  out += c.toString();
  if (started === undefined && /\d+ lesson\(s\)/.test(out)) {
    started = performance.now() - t0;
    atStart = rss();
  }
});
const burstDone = new Promise((resolve) => {
  const timer = setInterval(() => {
    lateness = [...out.matchAll(/burst\.yaml: done burst@b\d+ \(\+(\d+) ms\)/g)].map((m) => Number(m[1]));
    if (lateness.length >= 100 || performance.now() - t0 > (BURST_AHEAD_S + 120) * 1000) {
      clearInterval(timer);
      resolve();
    }
  }, 200);
});
await burstDone;
const after = rss();
child.kill('SIGTERM');
await new Promise((r) => child.on('close', r));
sandbox.kill('SIGTERM');
// For comparison, in the same run: `runbook validate` of the same files (load, validate, plan each, and
// the cross-file rule), which is most of what serve does before it serves.
const v0 = performance.now();
const validate = spawnSync(process.execPath, [join(root, 'bin/runbook.js'), 'validate', ...files.map((f) => relative(dir, f))], { cwd: dir, encoding: 'utf8' });
const validateS = (performance.now() - v0) / 1000;
const sorted = [...lateness].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const lessons = /(\d+) lesson\(s\)/.exec(out)?.[1];
console.log(`machine: ${machine()}; term: ${lessons} lessons (${LESSONS} of bench/gen-term.mjs + a burst lesson of 100 messages), ${dir}`);
console.log(
  `start (spawn → term loaded, validated together, planned, serving): ${(started / 1000).toFixed(2)} s (bar ≤ 10 s); \`runbook validate\` of the same lesson files alone: ${validateS.toFixed(2)} s (${validate.stdout.trim().split('\n').pop()})`,
);
console.log(
  `RSS once started: ${atStart.rss.toFixed(0)} MB; after the burst: ${after.rss.toFixed(0)} MB; peak (VmHWM): ${after.hwm.toFixed(0)} MB (bar ≤ 400 MB)`,
);
console.log(
  `burst of 100 messages on 100 channels: ${lateness.length} done; lateness as the engine measures it (instant → dispatch): p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted[sorted.length - 1]} ms (bar p99 ≤ 10 ms)`,
);
