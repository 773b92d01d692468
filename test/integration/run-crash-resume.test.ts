import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli, runCliWithHooks } from '../helpers/cli.js';
import { demoEnv, twoChannelLesson } from '../helpers/engine-lesson.js';
import { SPEAK_LIST, speakRecord, startHostileServer, v3, v4, type HostileServer } from '../helpers/hostile-server.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/**
 * Kill the run (SIGKILL, no chance to clean up) right after its N-th durable journal write, then
 * resume it: every action must have happened exactly once, or be reported ambiguous by id — never twice.
 */
describe('crash after the N-th journal write, then resume', () => {
  it.each([1, 2, 3, 4, 6, 9])('N = %i', async (n) => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file, texts } = twoChannelLesson({ messages: 3, spacingS: 1 });
    const start = new Date(Date.now() + 1200).toISOString();
    const crashed = await runCliWithHooks(['run', file, '--endpoint', sb.url, '--start', start], {
      env: demoEnv({ RUNBOOK_TEST_CRASH_AFTER_WRITES: String(n) }),
    });
    expect(crashed.signal).toBe('SIGKILL');
    const resumed = await runCli(['run', file, '--endpoint', sb.url, '--start', start, '--json'], { env: demoEnv() });
    expect([0, 4]).toContain(resumed.code);
    const summary = JSON.parse(resumed.stdout.trim().split('\n').pop()!) as { actions: { id: string; result: string }[] };
    const ambiguous = new Set(summary.actions.filter((a) => a.result === 'ambiguous').map((a) => a.id));
    expect(resumed.code).toBe(ambiguous.size > 0 ? 4 : 0);
    for (const [i, text] of texts.entries()) {
      for (const [alias, ch] of [
        ['a', '1000001'],
        ['b', '1000002'],
      ] as const) {
        const id = `m${i + 1}@${alias}`;
        const count = sb.log.filter(
          (e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params?.['channelId'] === ch && e.params?.['text'] === text,
        ).length;
        if (ambiguous.has(id)) expect(count).toBeLessThanOrEqual(1);
        else expect(count, id).toBe(1);
        expect(summary.actions.find((a) => a.id === id)?.result).toMatch(/^(ok|ambiguous)$/);
      }
    }
    const batches = sb.log.filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied').length;
    expect(batches).toBeLessThanOrEqual(1);
    if (!ambiguous.has('checkin@a')) expect(batches).toBe(1);
  });
});

/**
 * A signal that arrives while an export is still running after the last timed action: the run is
 * interrupted (exit 130, a resume line), the journal says so, and `status` agrees with the summary
 * (the export is pending: a resumed run redoes it from its checkpoint). SIGHUP is taken as SIGTERM.
 */
describe('a signal while the exports run after the last timed action', () => {
  let hostile: HostileServer | undefined;
  afterEach(async () => {
    await hostile?.close();
    hostile = undefined;
  });

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('%s: exit 130, resume line, status agrees', async (sig) => {
    // Pages that never run out, each a little slow: the export is surely under way when the signal comes.
    let page = 0;
    hostile = await startHostileServer(async (req) => {
      if (req.path !== SPEAK_LIST) return v4();
      await new Promise((r) => setTimeout(r, 100));
      page += 1;
      return v3({ size: 10, cursor: `c${page}`, list: Array.from({ length: 10 }, (_, i) => speakRecord(`${page}-${i}`, '1000001', Date.now())) });
    });
    const dir = mkdtempSync(join(tmpdir(), 'rb-sig-'));
    const file = join(dir, 'lesson.yaml');
    writeFileSync(
      file,
      'event: { name: Signal, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 2s }\nchannels: { a: "1000001" }\ndefaults: { outDir: exports }\nsteps:\n  - { id: hello, kind: message, at: +0s, text: hi }\n  - { id: history, kind: historyExport, at: end }\n',
    );
    const start = new Date(Date.now() + 1500).toISOString();
    const running = runCli(['run', file, '--endpoint', hostile.url, '--start', start], { env: demoEnv(), timeoutMs: 30_000 });
    while (page < 3) await new Promise((r) => setTimeout(r, 20));
    running.child.kill(sig);
    const r = await running;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: .*To resume: \S*node \S+\/bin\/runbook\.js run /);
    expect(r.stdout).toMatch(/history +historyExport .* pending/);
    expect(r.stdout).toMatch(/0 failed, 0 ambiguous, 0 skipped, 1 pending/);
    const journal = readdirSync(join(dir, '.runbook')).find((f) => f.endsWith('.jsonl'))!;
    const records = readFileSync(join(dir, '.runbook', journal), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string; reason?: string });
    expect(records.at(-1)).toMatchObject({ t: 'run-stop', reason: 'interrupted' });
    expect(readdirSync(join(dir, '.runbook')).filter((f) => f.endsWith('.lock'))).toEqual([]);
    const status = await runCli(['status', file, '--json']);
    const st = JSON.parse(status.stdout) as { rows: { id: string; state: string }[] };
    expect(st.rows.find((row) => row.id === 'hello')?.state).toBe('done');
    expect(st.rows.find((row) => row.id === 'history')?.state).toBe('pending');
  });
});
