import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { polyvSign } from '../../src/polyv/sign.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, type CliRun } from '../helpers/cli.js';
import { twoChannelLesson } from '../helpers/engine-lesson.js';

/**
 * The app secret must never appear anywhere: stdout, stderr, the journal, the plan, exported files,
 * the sandbox's log. Nor may a valid signature made with it (a sign is a 32-character upper-case hex
 * MD5; none of runbook's outputs should carry one at all).
 */
const SECRET = 'Zq9TOPSECRETk2v8xW4mN7pL3sR6tY1u';
const CREDS = { appId: 'leakcheckapp', appSecret: SECRET, userId: 'leakuser' };
const env = { POLYV_APP_ID: CREDS.appId, POLYV_APP_SECRET: SECRET, POLYV_USER_ID: CREDS.userId };
const SIGN = /\b[0-9A-F]{32}\b/;

let sb: Sandbox | undefined;
afterAll(async () => sb?.close());

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function assertClean(label: string, text: string): void {
  expect(text.includes(SECRET), `${label} contains the secret`).toBe(false);
  expect(SIGN.test(text), `${label} contains something shaped like a signature: ${SIGN.exec(text)?.[0]}`).toBe(false);
}

describe('the app secret never leaks', () => {
  it('from any command, the journal, the exports or the sandbox log', async () => {
    const logLines: string[] = [];
    sb = await startSandbox({
      credentials: CREDS,
      channels: ['1000001', '1000002'],
      seedMessages: 30,
      seedStartMs: Date.now() - 5_000,
      seedSpacingMs: 100,
      reportNotReadyCalls: 0,
      exportSteps: 0,
      log: (l) => logLines.push(l),
    });
    const { file, dir } = twoChannelLesson({ messages: 2 });
    const lessonWithExports = file;
    const runs: [string, CliRun][] = [];
    const start = new Date(Date.now() + 1500).toISOString();
    runs.push(['validate', await runCli(['validate', lessonWithExports], { env })]);
    runs.push(['plan', await runCli(['plan', lessonWithExports, '--json', '--start', start], { env })]);
    runs.push(['dry-run', await runCli(['run', lessonWithExports, '--dry-run', '--start', start], { env })]);
    runs.push(['run', await runCli(['run', lessonWithExports, '--endpoint', sb.url, '--start', start, '--json'], { env })]);
    runs.push(['status', await runCli(['status', lessonWithExports, '--json'], { env })]);
    runs.push([
      'export history',
      await runCli(['export', 'history', '--channel', '1000001', '--endpoint', sb.url, '--out', join(dir, 'out'), '--format', 'csv'], { env }),
    ]);
    runs.push([
      'export report',
      await runCli(['export', 'report', '--channel', '1000001', '--session', 's1', '--endpoint', sb.url, '--out', join(dir, 'out')], { env }),
    ]);
    runs.push(['export chat', await runCli(['export', 'chat', '--channel', '1000001', '--endpoint', sb.url, '--out', join(dir, 'out')], { env })]);
    // A failing call: wrong secret on purpose, the error must not print either secret.
    runs.push([
      'bad secret',
      await runCli(['export', 'chat', '--channel', '1000001', '--endpoint', sb.url, '--out', join(dir, 'out')], {
        env: { ...env, POLYV_APP_SECRET: `${SECRET}x` },
      }),
    ]);
    runs.push([
      'debug error',
      await runCli(['run', lessonWithExports, '--endpoint', 'http://127.0.0.1:1', '--start', 'now+1s'], { env: { ...env, RUNBOOK_DEBUG: '1' } }),
    ]);
    expect(runs.find(([n]) => n === 'run')![1].code).toBe(0);
    expect(runs.find(([n]) => n === 'bad secret')![1].code).not.toBe(0);
    for (const [name, r] of runs) {
      assertClean(`${name} stdout`, r.stdout);
      assertClean(`${name} stderr`, r.stderr);
    }
    for (const f of filesUnder(dir)) assertClean(f, readFileSync(f, 'utf8'));
    assertClean('sandbox log', logLines.join(''));
    // The scan can find what it looks for: a real signature is detected.
    expect(SIGN.test(polyvSign({ a: 1 }, SECRET))).toBe(true);
  }, 60_000);
});
