// Issue 17's bar: three `runbook serve --redis` nodes on one Redis run a term of LESSONS lessons while
// one node at a time is killed with SIGKILL at random moments (KILLS times), and restarted at once so
// that three stay alive. Then, from the sandbox's request log and the journals in Redis:
//   - doubled: a message or check-in the sandbox applied more than once (must be 0);
//   - lost: an action with no final outcome in its journal, or journaled ok but never applied, or
//     applied but journaled failed (must be 0; failed by policy and ambiguous-by-id are accounted for);
//   - takeover time: for each lesson the killed node held, kill → another node's "taken by this node";
//   - runner-side lateness (the journal's latenessMs) of the messages no takeover touched.
// `env -u NODE_EXTRA_CA_CERTS node bench/cluster-kill.mjs` (LESSONS=200 KILLS=20 LOCK=4s SEED=17).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from './lib-redis.mjs';
import { sandboxProcess } from './lib-sandbox.mjs';
import { machine, median, percentile } from './lib-stats.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const LESSONS = Number(process.env.LESSONS ?? 200);
const KILLS = Number(process.env.KILLS ?? 20);
const LOCK = process.env.LOCK ?? '4s';
const GAP_MS = Number(process.env.GAP_MS ?? 750);
const LEAD_IN_MS = Number(process.env.LEAD_IN_MS ?? 30_000);
let seed = Number(process.env.SEED ?? 17);
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NO_COLOR: '1',
  POLYV_APP_ID: 'sandboxapp01',
  POLYV_APP_SECRET: 'sandbox-demo-secret-not-for-production',
  POLYV_USER_ID: 'sandboxuser1',
};

// The term: lesson i on its own channel, starting GAP_MS after lesson i−1; four messages 4 s apart
// and a check-in after them.
const dir = mkdtempSync(join(tmpdir(), 'rb-cluster-kill-'));
mkdirSync(join(dir, 'lessons'));
const t0 = Date.now() + LEAD_IN_MS;
const channels = [];
for (let i = 1; i <= LESSONS; i++) {
  const ch = String(3_000_000 + i);
  channels.push(ch);
  const steps = [0, 1, 2, 3].map((k) => `  - { id: m${k}, kind: message, at: "+${k * 4}s", text: "kill L${i} m${k}" }`);
  steps.push(`  - { id: k, kind: checkin, at: +16s, duration: 5s, prompt: "kill L${i} k" }`);
  writeFileSync(
    join(dir, 'lessons', `l${String(i).padStart(3, '0')}.yaml`),
    `event: { name: "Kill ${i}", timezone: UTC, start: "${new Date(t0 + (i - 1) * GAP_MS).toISOString()}", duration: 30s }\n` +
      `channels: { c: "${ch}" }\ndefaults:\n  policy: { missed: grace, graceSeconds: 60, ambiguous: report }\nsteps:\n${steps.join('\n')}\n`,
  );
}
const lastDue = t0 + (LESSONS - 1) * GAP_MS + 16_000;

const logFile = join(dir, 'sandbox.jsonl');
const sb = await sandboxProcess({ channels, log: logFile });
const redis = await startRedis({ persist: true });

/** One node: the real CLI; its stdout lines kept with their pid. */
const lines = [];
function startNode(slot) {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/runbook.js'), 'serve', 'lessons', '--port', '0', '--endpoint', sb.url, '--redis', redis.url, '--lock-duration', LOCK],
    {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let buf = '';
  const take = (c) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push({ pid: child.pid, slot, line: buf.slice(0, i) });
      buf = buf.slice(i + 1);
    }
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return child;
}
const nodes = [0, 1, 2].map(startNode);
process.once('exit', () => nodes.forEach((n) => n.kill('SIGKILL')));

// KILLS moments spread at random over the term's busy part.
const killAt = Array.from({ length: KILLS }, () => t0 + random() * (lastDue - t0)).sort((a, b) => a - b);
const kills = [];
for (const at of killAt) {
  await sleep(at - Date.now());
  const slot = Math.floor(random() * 3);
  const victim = nodes[slot];
  const killedAt = Date.now();
  victim.kill('SIGKILL');
  await new Promise((r) => (victim.exitCode !== null || victim.signalCode !== null ? r() : victim.once('exit', r)));
  kills.push({ at: killedAt, pid: victim.pid, slot });
  nodes[slot] = startNode(slot);
  console.log(`kill -9 node ${slot + 1} (pid ${victim.pid}) at +${((killedAt - t0) / 1000).toFixed(1)} s; restarted as pid ${nodes[slot].pid}`);
}

// Then until every journal has an outcome for every unit (or a generous timeout).
const r = new Redis(redis.url);
async function journals() {
  const runs = await r.hgetall('runbook:runs');
  const out = [];
  for (const [runId, display] of Object.entries(runs)) {
    const entries = await r.xrange(`runbook:journal:${runId}`, '-', '+');
    out.push({ runId, display, records: entries.map(([, f]) => JSON.parse(f[f.indexOf('r') + 1])) });
  }
  return out;
}
function finals(records) {
  const actions = new Map();
  for (const rec of records) if (rec.t === 'run-start') for (const a of rec.actions) actions.set(a.id, a);
  const outcome = new Map();
  for (const rec of records) if (rec.t === 'outcome') outcome.set(rec.unit, rec);
  return { actions, outcome };
}
const settledBy = lastDue + 120_000;
let js = [];
let polls = 0;
let unsettled = [];
for (;;) {
  js = await journals();
  unsettled = js
    .filter((j) => {
      const f = finals(j.records);
      return f.actions.size === 0 || [...f.actions.values()].some((a) => !f.outcome.has(a.unit));
    })
    .map((j) => j.display);
  const open = js.length < LESSONS || unsettled.length > 0;
  if (!open || Date.now() > settledBy) break;
  if (++polls % 10 === 0) console.log(`waiting: ${js.length} journals, ${unsettled.length} lesson(s) not settled (${unsettled.slice(0, 5).join(', ')})`);
  await sleep(2000);
}
await sleep(3000); // a doubled send would show by now
// SIGTERM, as an operator stops a node; SIGKILL for one that has not stopped 20 s later.
const stopped = nodes.map((n) => new Promise((res) => (n.exitCode !== null || n.signalCode !== null ? res(true) : n.once('exit', () => res(true)))));
for (const n of nodes) n.kill('SIGTERM');
const clean = await Promise.all(stopped.map((p) => Promise.race([p, sleep(20_000).then(() => false)])));
nodes.forEach((n, i) => {
  if (!clean[i]) {
    console.log(`node ${i + 1} (pid ${n.pid}) did not stop within 20 s of SIGTERM; killed`);
    n.kill('SIGKILL');
  }
});
js = await journals();
r.disconnect();
await sb.stop();
await redis.stop();

// The sandbox's view: what it applied, by text.
const applied = new Map();
for (const l of readFileSync(logFile, 'utf8').split('\n')) {
  if (!l) continue;
  const e = JSON.parse(l);
  if (e.effect !== 'applied') continue;
  if (e.endpoint === 'sendCustomMessage') applied.set(e.params.text, (applied.get(e.params.text) ?? 0) + 1);
  if (e.endpoint === 'batchCheckin') for (const it of e.params.items ?? []) applied.set(it.message, (applied.get(it.message) ?? 0) + 1);
}

// Who held which lesson when: the nodes' "taken by this node" lines.
const taken = [];
for (const { pid, line } of lines) {
  const m = /^(\S+) (\S+): taken by this node/.exec(line);
  if (m) taken.push({ at: Date.parse(m[1]), file: m[2], pid });
}
writeFileSync(join(dir, 'nodes.log'), lines.map((l) => `[node ${l.slot + 1} pid ${l.pid}] ${l.line}`).join('\n'));
writeFileSync(join(dir, 'kills.json'), JSON.stringify(kills));
const takeovers = [];
const takeoverDetail = [];
const affected = new Map(); // file → [from, to] windows
for (const k of kills) {
  const held = new Map();
  for (const t of taken) if (t.at <= k.at) held.set(t.file, t.pid);
  for (const [file, pid] of held) {
    if (pid !== k.pid) continue;
    const next = taken.find((t) => t.file === file && t.at > k.at && t.pid !== k.pid);
    if (!next) continue; // finished before the kill
    takeovers.push(next.at - k.at);
    takeoverDetail.push({ file, killedAt: k.at, pid: k.pid, takenBy: next.pid, ms: next.at - k.at });
    (affected.get(file) ?? affected.set(file, []).get(file)).push([k.at - 1000, next.at + 10_000]);
  }
}

let doubled = 0;
let lost = 0;
let failed = 0;
let ambiguous = 0;
let done = 0;
const problems = [];
const lateAll = [];
const lateClean = [];
const worst = [];
for (const j of js) {
  const i = Number(/l(\d+)\.yaml/.exec(j.display)?.[1]);
  const { actions, outcome } = finals(j.records);
  for (const a of actions.values()) {
    const text = a.kind === 'checkin' ? `kill L${i} k` : `kill L${i} ${a.id.split('@')[0]}`;
    const n = applied.get(text) ?? 0;
    const o = outcome.get(a.unit);
    const problem = (what) => problems.push(`${text}: ${what}`);
    if (n > 1) {
      doubled += 1;
      problem(`applied ${n}×`);
    }
    if (!o) {
      lost += 1;
      problem(`no outcome in the journal (applied ${n}×)`);
    } else if ((o.result === 'ok' && n !== 1) || (o.result === 'failed' && n !== 0)) {
      lost += 1;
      problem(`journaled ${o.result}, applied ${n}×`);
    } else if (o.result === 'ok') done += 1;
    else if (o.result === 'failed') failed += 1;
    else if (o.result === 'ambiguous') ambiguous += 1;
    // Messages only: a check-in is registered ahead of its start, so its journal lateness counts
    // from a registration instant that the action's `at` (its start) does not show.
    if (o?.result === 'ok' && a.kind === 'message' && typeof o.latenessMs === 'number') {
      lateAll.push(o.latenessMs);
      const touched = (affected.get(j.display) ?? []).some(([from, to]) => a.at >= from && a.at <= to);
      if (!touched) {
        lateClean.push(o.latenessMs);
        worst.push({ what: `${j.display} ${a.id} due +${((a.at - t0) / 1000).toFixed(1)} s`, late: o.latenessMs });
      }
    }
  }
}
const missingLessons = LESSONS - js.length;
if (missingLessons > 0) {
  lost += missingLessons * 5;
  problems.push(`${missingLessons} lesson(s) without a journal`);
}

const ms = (x) => (x === undefined ? '–' : `${Math.round(x)} ms`);
console.log(`\nmachine: ${machine()}`);
console.log(
  `${LESSONS} lessons (${LESSONS * 5} actions) on 3 nodes, --lock-duration ${LOCK}; ${kills.length} kill -9 over ${((lastDue - t0) / 1000).toFixed(0)} s`,
);
console.log(`done ${done}, failed by policy ${failed}, ambiguous (reported by id) ${ambiguous}; doubled ${doubled}, lost ${lost}`);
console.log(`takeovers ${takeovers.length}: p50 ${ms(median(takeovers))}, p99 ${ms(percentile(takeovers, 99))}, max ${ms(Math.max(...takeovers))}`);
console.log(
  `runner-side lateness, messages no takeover touched (${lateClean.length}): p50 ${ms(median(lateClean))}, p99 ${ms(percentile(lateClean, 99))}, max ${ms(Math.max(...lateClean))}`,
);
console.log(`runner-side lateness, all messages sent (${lateAll.length}): p50 ${ms(median(lateAll))}, p99 ${ms(percentile(lateAll, 99))}`);
console.log(
  `the latest of those: ${worst
    .sort((a, b) => b.late - a.late)
    .slice(0, 5)
    .map((w) => `${w.what}: ${Math.round(w.late)} ms`)
    .join('; ')}`,
);
writeFileSync(join(dir, 'takeovers.json'), JSON.stringify(takeoverDetail));
console.log(`node logs, kills and takeovers: ${dir}/{nodes.log,kills.json,takeovers.json}`);
for (const p of problems.slice(0, 20)) console.log(`  ${p}`);
process.exitCode = doubled || lost ? 1 : 0;
