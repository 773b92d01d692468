// Issue 6: kill -9 at a random moment, then resume — CYCLES times (default 20), each on a fresh
// sandbox and state folder. Every action must end exactly once, or be reported ambiguous by id
// (and then have happened at most once).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine } from './lib-stats.mjs';
import { sandboxProcess } from './lib-sandbox.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const env = { ...process.env, POLYV_APP_ID: 'sandboxapp01', POLYV_APP_SECRET: 'sandbox-demo-secret-not-for-production', POLYV_USER_ID: 'sandboxuser1' };
const CYCLES = Number(process.env.CYCLES ?? 20);
let seed = Number(process.env.SEED ?? 42);
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
let broken = 0;
let ambiguousTotal = 0;
for (let cycle = 1; cycle <= CYCLES; cycle++) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-crash-'));
  const file = join(dir, 'lesson.yaml');
  const steps = [];
  for (let c = 0; c < 3; c++)
    for (let k = 0; k < 4; k++) steps.push(`  - { id: m${c}-${k}, kind: message, at: "+${k * 0.5}s", channels: c${c}, text: "crash ${c}-${k}" }`);
  steps.push('  - { id: k, kind: checkin, at: +40s, duration: 10s, prompt: 签到 }');
  writeFileSync(
    file,
    `event: { name: Crash, timezone: UTC, start: "2026-12-01T10:00", duration: 1m }\nchannels: { c0: "5000000", c1: "5000001", c2: "5000002" }\nsteps:\n${steps.join('\n')}\n`,
  );
  const logFile = join(dir, 'sandbox.jsonl');
  const sb = await sandboxProcess({ channels: ['5000000', '5000001', '5000002'], log: logFile });
  const start = new Date(Date.now() + 1000).toISOString();
  const killAt = Math.floor(random() * 2800);
  const child = spawn(process.execPath, ['bin/runbook.js', 'run', file, '--endpoint', sb.url, '--start', start], { cwd: ROOT, env, stdio: 'ignore' });
  const killed = await new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), killAt);
    child.on('exit', (code, sig) => {
      clearTimeout(t);
      resolve(sig === 'SIGKILL');
    });
  });
  const resumed = spawnSync(process.execPath, ['bin/runbook.js', 'run', file, '--endpoint', sb.url, '--start', start, '--json'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  await sb.stop();
  const summary = JSON.parse(resumed.stdout.trim().split('\n').pop());
  const log = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const problems = [];
  for (const a of summary.actions.filter((x) => x.kind === 'message')) {
    const n = log.filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params.text === `crash ${a.id.slice(1)}`).length;
    if (a.result === 'ambiguous' ? n > 1 : !(a.result === 'ok' && n === 1)) problems.push(`${a.id}: ${a.result}, applied ${n}×`);
  }
  const batches = log.filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied').length;
  const k = summary.actions.find((a) => a.id === 'k@c0');
  if (batches > 1 || (k.result === 'ok' && batches !== 1)) problems.push(`check-in batch: ${k.result}, registered ${batches}×`);
  const amb = summary.actions.filter((a) => a.result === 'ambiguous').map((a) => a.id);
  ambiguousTotal += amb.length;
  if (problems.length) broken += 1;
  console.log(
    `cycle ${cycle}: kill -9 at ${killAt} ms${killed ? '' : ' (finished first)'}; resume exit ${resumed.status}; ambiguous: ${amb.join(', ') || 'none'}; ${problems.length ? `BROKEN: ${problems.join('; ')}` : 'every action exactly once or reported'}`,
  );
}
console.log(`machine: ${machine()}; ${CYCLES} cycles, ${broken} broken, ${ambiguousTotal} ambiguous actions reported in all`);
process.exitCode = broken ? 1 : 0;
