import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';
import { Credentials, PolyvClient } from '../../src/transport/index.js';
import { runCli, runCliWithHooks } from '../helpers/cli.js';
import { demoEnv, twoChannelLesson } from '../helpers/engine-lesson.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

interface Summary {
  actions: { id: string; result: string; message?: string }[];
}
const summaryOf = (stdout: string): Summary => JSON.parse(stdout.trim().split('\n').pop()!) as Summary;

describe('runbook run: platform rejections and policies', () => {
  it('maps a 1099 rejection back to the check-in that collides (failed, named) and registers the rest of the batch', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file } = twoChannelLesson({ messages: 1 });
    const start = Date.now() + 2000;
    // Someone else already registered a check-in on channel 1000001 that overlaps ours (+30 s).
    const other = new PolyvClient({
      credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 't'),
      baseUrl: sb.url,
    });
    await other.batchCheckin([{ channelId: '1000001', limitTime: 60, delayTime: start + 20_000 }]);
    await other.close();
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', new Date(start).toISOString(), '--json'], { env: demoEnv() });
    expect(r.code).toBe(3);
    const s = summaryOf(r.stdout);
    expect(s.actions.find((a) => a.id === 'checkin@a')).toMatchObject({ result: 'failed', message: expect.stringContaining('1099') });
    // The check-in on the other channel did not collide: it is sent again and registered.
    expect(s.actions.find((a) => a.id === 'checkin@b')?.result).toBe('ok');
    expect(s.actions.find((a) => a.id === 'm1@a')?.result).toBe('ok');
    expect(sb.platform.checkins.get('1000002')).toHaveLength(1);
    expect(sb.platform.checkins.get('1000001')).toHaveLength(1); // the other party's only
    expect(sb.log.filter((e) => e.endpoint === 'batchCheckin').map((e) => e.code)).toEqual([200, 1099, 200]);
    // `runbook status` reads the journal the same way: each check-in its own state.
    const st = await runCli(['status', file, '--json']);
    const rows = (JSON.parse(st.stdout) as { rows: { id: string; state: string }[] }).rows;
    expect(rows.find((x) => x.id === 'checkin@a')?.state).toBe('failed');
    expect(rows.find((x) => x.id === 'checkin@b')?.state).toBe('done');
  });

  it('applies the missed policy to actions whose time has long passed', async () => {
    sb = await startSandbox({ channels: ['1000001'] });
    const dir = mkdtempSync(join(tmpdir(), 'rb-missed-'));
    const file = join(dir, 'late.yaml');
    writeFileSync(
      file,
      `event: { name: Late, timezone: UTC, start: "2026-12-01T10:00", duration: 10m }
channels: { main: "1000001" }
steps:
  - { id: skip-it, kind: message, at: start, text: a, policy: { missed: skip } }
  - { id: grace-60, kind: message, at: start, text: b }
  - { id: grace-300, kind: message, at: start, text: c, policy: { missed: grace, graceSeconds: 300 } }
  - { id: send-anyway, kind: message, at: start, text: d, policy: { missed: send } }
`,
    );
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', new Date(Date.now() - 120_000).toISOString(), '--json'], { env: demoEnv() });
    const s = summaryOf(r.stdout);
    const result = (id: string): string | undefined => s.actions.find((a) => a.id === id)?.result;
    expect([result('skip-it'), result('grace-60'), result('grace-300'), result('send-anyway')]).toEqual(['skipped', 'skipped', 'ok', 'ok']);
    expect(sb.platform.messages.map((m) => m.text).sort()).toEqual(['c', 'd']);
    expect(r.code).toBe(3);
  });

  it('resends an ambiguous action only when its step says so', async () => {
    sb = await startSandbox({ channels: ['1000001'] });
    const dir = mkdtempSync(join(tmpdir(), 'rb-resend-'));
    const file = join(dir, 'resend.yaml');
    writeFileSync(
      file,
      `event: { name: Resend, timezone: UTC, start: "2026-12-01T10:00", duration: 10m }
channels: { main: "1000001" }
steps:
  - { id: safe, kind: message, at: +1s, text: safe }
  - { id: resend, kind: message, at: +1s, text: resend, policy: { ambiguous: resend } }
`,
    );
    const start = new Date(Date.now() + 1500).toISOString();
    // Write 1 is the run's start, write 2 the intents: the process dies before either call is made.
    const crashed = await runCliWithHooks(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv({ RUNBOOK_TEST_CRASH_AFTER_WRITES: '2' }) });
    expect(crashed.signal).toBe('SIGKILL');
    expect(sb.platform.messages).toHaveLength(0);
    const resumed = await runCli(['run', file, '--endpoint', sb.url, '--start', start, '--json'], { env: demoEnv() });
    const s = summaryOf(resumed.stdout);
    expect(s.actions.find((a) => a.id === 'safe')?.result).toBe('ambiguous');
    expect(s.actions.find((a) => a.id === 'resend')?.result).toBe('ok');
    expect(sb.platform.messages.map((m) => m.text)).toEqual(['resend']);
    expect(resumed.code).toBe(4);
  });

  it('settles a check-in batch whose answer was lost by sending it again: registered once, and reported ambiguous, not ok (the refusal of the re-send is no evidence that the check-ins are ours)', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'], faults: 'slow=1:2500,endpoints=batchCheckin' });
    const { file } = twoChannelLesson({ messages: 1 });
    // Once the first registration has arrived (and been applied), let the next answer through.
    const box = sb;
    const timer = setInterval(() => {
      if (box.log.some((e) => e.endpoint === 'batchCheckin')) box.setFaults('');
    }, 20);
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+1s', '--json', '--request-timeout', '1000'], { env: demoEnv() });
    clearInterval(timer);
    const s = summaryOf(r.stdout);
    expect(s.actions.filter((a) => a.id.startsWith('checkin@')).map((a) => a.result)).toEqual(['ambiguous', 'ambiguous']);
    const calls = sb.log.filter((e) => e.endpoint === 'batchCheckin');
    expect(calls.map((e) => e.code)).toEqual([200, 1099]); // applied (answer lost), then the duplicate refused
    expect(sb.platform.checkins.get('1000001')).toHaveLength(1);
    expect(sb.platform.checkins.get('1000002')).toHaveLength(1);
    expect(r.code).toBe(4);
  });

  it("after a lost answer, never reports registered a check-in that collides with someone else's; the others are registered", async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'], faults: 'slow=1:2500,endpoints=batchCheckin' });
    const { file } = twoChannelLesson({ messages: 1 });
    const start = Date.now() + 2000;
    // Someone else's check-in on channel 1000001 overlaps ours: our first call is refused (1099,
    // nothing applied), but its answer is lost; the re-send is refused for the same reason.
    sb.setFaults('');
    const other = new PolyvClient({
      credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 't'),
      baseUrl: sb.url,
    });
    await other.batchCheckin([{ channelId: '1000001', limitTime: 60, delayTime: start + 20_000 }]);
    await other.close();
    sb.setFaults('slow=1:2500,endpoints=batchCheckin');
    const box = sb;
    const before = sb.log.length;
    const timer = setInterval(() => {
      if (box.log.slice(before).some((e) => e.endpoint === 'batchCheckin')) box.setFaults('');
    }, 20);
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', new Date(start).toISOString(), '--json', '--request-timeout', '1000'], {
      env: demoEnv(),
    });
    clearInterval(timer);
    const s = summaryOf(r.stdout);
    expect(s.actions.find((a) => a.id === 'checkin@a')).toMatchObject({ result: 'ambiguous', message: expect.stringContaining('1099') });
    expect(s.actions.find((a) => a.id === 'checkin@b')?.result).toBe('ok');
    expect(
      sb.log
        .slice(before)
        .filter((e) => e.endpoint === 'batchCheckin')
        .map((e) => e.code),
    ).toEqual([1099, 1099, 200]);
    expect(sb.platform.checkins.get('1000001')).toHaveLength(1); // the other party's only
    expect(sb.platform.checkins.get('1000002')).toHaveLength(1);
    expect(r.code).toBe(4);
  });
});
