// The fault harness (issue 6): a lesson with messages, check-ins and all three exports on many
// channels, run by the real CLI against a sandbox (its own process) that fails a share of calls —
// 5xx, dropped connections before and after applying, slow answers that arrive after the client's
// timeout. Then the sandbox's log and runbook's own summary and status are checked against each
// other. Used by test/integration/faults.test.ts (small) and bench/faults.mjs (full size).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxProcess } from './lib-sandbox.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const DEMO = { POLYV_APP_ID: 'sandboxapp01', POLYV_APP_SECRET: 'sandbox-demo-secret-not-for-production', POLYV_USER_ID: 'sandboxuser1' };

export async function faultRun({
  channels = 4,
  messages = 5,
  checkins = 1,
  faults = '5xx=0.06,reset-before=0.04,reset-after=0.05,slow=0.05:2500',
  seed = 7,
  timeoutMs = 1000,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-faults-'));
  const ids = Array.from({ length: channels }, (_, c) => String(4_000_000 + c));
  const end = messages + 2 + checkins * 7;
  const lines = [`event: { name: Faults, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: ${end}s, sessionId: s1 }`, 'channels:'];
  ids.forEach((id, c) => lines.push(`  c${c}: "${id}"`));
  lines.push('defaults:', '  outDir: out', 'steps:');
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < messages; k++) lines.push(`  - { id: m${c}-${k}, kind: message, at: "+${k}s", channels: c${c}, text: "fault test ${c}-${k}" }`);
    for (let k = 0; k < checkins; k++)
      lines.push(`  - { id: k${c}-${k}, kind: checkin, at: "+${messages + 30 + k * 20}s", duration: 10s, channels: c${c}, prompt: "签到 ${k}" }`);
    lines.push(`  - { id: chat${c}, kind: chatExport, at: end+1s, channels: c${c} }`);
    lines.push(`  - { id: hist${c}, kind: historyExport, at: end+1s, channels: c${c}, pageSize: 50 }`);
    lines.push(`  - { id: rep${c}, kind: reportExport, at: end+1s, channels: c${c}, deadline: 2m }`);
  }
  const file = join(dir, 'faults.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const logFile = join(dir, 'sandbox.jsonl');
  const sb = await sandboxProcess({
    channels: ids,
    faults,
    seed,
    log: logFile,
    exportSteps: 1,
    reportNotReadyCalls: 1,
    seedMessages: 300,
    seedStartMs: Date.now() - 1000,
    seedSpacingMs: 10,
  });
  const run = spawnSync(
    process.execPath,
    ['bin/runbook.js', 'run', file, '--endpoint', sb.url, '--start', 'now+3s', '--json', '--request-timeout', String(timeoutMs)],
    { cwd: ROOT, env: { ...process.env, ...DEMO }, encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const status = spawnSync(process.execPath, ['bin/runbook.js', 'status', file, '--json'], { cwd: ROOT, encoding: 'utf8' });
  await sb.stop();
  const log = readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const summary = JSON.parse(run.stdout.trim().split('\n').pop());
  const st = JSON.parse(status.stdout);
  const problems = [];
  const applied = (pred) => log.filter((e) => e.effect === 'applied' && pred(e)).length;
  for (const a of summary.actions) {
    if (a.kind === 'message') {
      const [c, k] = a.id.slice(1).split('-');
      const n = applied((e) => e.endpoint === 'sendCustomMessage' && e.params?.text === `fault test ${c}-${k}`);
      if (n > 1) problems.push(`${a.id} sent ${n} times`);
      if (a.result === 'ok' && n !== 1) problems.push(`${a.id} reported ok but applied ${n} times`);
      if (a.result === 'failed' && n !== 0) problems.push(`${a.id} reported failed but applied ${n} times`);
    } else if (a.kind === 'checkin') {
      const channel = ids[Number(a.id.slice(1).split('-')[0])];
      const n = log
        .filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied')
        .flatMap((e) => e.params.items)
        .filter((i) => String(i.channelId) === channel && i.message === `签到 ${a.id.split('-')[1]}`).length;
      if (n > 1) problems.push(`${a.id} registered ${n} times`);
      if (a.result === 'ok' && n !== 1) problems.push(`${a.id} reported ok but registered ${n} times`);
    } else if (a.result !== 'ok') problems.push(`${a.id} (${a.kind}) did not complete: ${a.result} ${a.message ?? ''}`);
  }
  const ambiguous = summary.actions
    .filter((a) => a.result === 'ambiguous')
    .map((a) => a.id)
    .sort();
  const statusAmbiguous = st.rows
    .filter((r) => r.state === 'ambiguous')
    .map((r) => r.id)
    .sort();
  if (JSON.stringify(ambiguous) !== JSON.stringify(statusAmbiguous)) problems.push(`status ambiguous ${statusAmbiguous} ≠ summary ${ambiguous}`);
  const failed = summary.actions.some((a) => a.result === 'failed' || a.result === 'skipped');
  const expectedCode = failed ? 3 : ambiguous.length ? 4 : 0;
  if (run.status !== expectedCode) problems.push(`exit code ${run.status}, expected ${expectedCode}: ${run.stderr}`);
  const faultsInjected = log.filter((e) => e.fault).length;
  return { actions: summary.actions.length, ambiguous, problems, faultsInjected, requests: log.length, exitCode: run.status, stderr: run.stderr };
}
