import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lessonRunId } from '../../src/api/lesson-id.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv, twoChannelLesson } from '../helpers/engine-lesson.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const sends = (s: Sandbox) => s.log.filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied');

describe('runbook run against the sandbox', () => {
  it('sends every message with its exact text, never early, and registers the check-ins', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file, texts } = twoChannelLesson({ messages: 3 });
    const t0 = Date.now();
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+2s', '--json'], { env: demoEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const start = t0 + 2000;
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; plannedAt?: number; unit?: string });
    const dispatch = events.filter((e) => e.type === 'dispatch');
    const msgs = sends(sb);
    expect(msgs).toHaveLength(6);
    for (const [i, text] of texts.entries()) {
      for (const ch of ['1000001', '1000002']) {
        const entry = msgs.find((m) => m.params?.['text'] === text && m.params?.['channelId'] === ch);
        expect(entry, `${text} on ${ch}`).toBeDefined();
        const planned = dispatch.find((d) => d.unit === `m${i + 1}@${ch === '1000001' ? 'a' : 'b'}`)!.plannedAt!;
        expect(entry!.receivedAt).toBeGreaterThanOrEqual(planned);
        expect(planned).toBeGreaterThanOrEqual(start - 50);
      }
    }
    const checkins = sb.log.filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied');
    expect(checkins).toHaveLength(1);
    const items = checkins[0]!.params!['items'] as { channelId: number; limitTime: number; delayTime: number; message: string }[];
    expect(items.map((i) => i.channelId).sort()).toEqual(['1000001', '1000002']); // the sandbox reads ids digit for digit
    for (const i of items) {
      expect(i.limitTime).toBe(20);
      expect(Math.abs(i.delayTime - (start + 30_000))).toBeLessThan(1500);
      expect(i.message).toBe('签到');
    }
  });

  it('a dry run makes no request at all', async () => {
    sb = await startSandbox();
    const { file } = twoChannelLesson();
    const r = await runCli(['run', file, '--dry-run', '--endpoint', sb.url, '--start', 'now+1h'], { env: {} });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('POST /live/v4/chat/send-custom-message/encode');
    expect(r.stdout).toContain('sign=<redacted>');
    expect(sb.log).toHaveLength(0);
    expect(existsSync(join(file, '..', '.runbook'))).toBe(false);
  });

  it('refuses a second run of the same run (the lock) and takes over a dead holder', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file } = twoChannelLesson({ messages: 2, spacingS: 2 });
    const start = new Date(Date.now() + 2500).toISOString();
    const first = runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv() });
    await new Promise((r) => setTimeout(r, 1200));
    const second = await runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv() });
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(/another runbook run of this run is active: pid \d+/);
    expect((await first).code).toBe(0);
    expect(sends(sb)).toHaveLength(4);

    // A lock left by a process that no longer exists is taken over (a fresh sandbox: the first
    // lesson's check-ins would collide with this one's on the same channels).
    await sb.close();
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const other = twoChannelLesson({ messages: 1 });
    const s2 = new Date(Date.now() + 2000).toISOString();
    // The lock is the lesson's: its file and start (src/api/lesson-id.ts).
    const runId = lessonRunId(other.file, join(other.dir, '.runbook'), Date.parse(s2));
    mkdirSync(join(other.dir, '.runbook'), { recursive: true });
    writeFileSync(join(other.dir, '.runbook', `${runId}.lock`), JSON.stringify({ host: hostname(), pid: 999_999, since: Date.now() - 60_000 }));
    const third = await runCli(['run', other.file, '--endpoint', sb.url, '--start', s2], { env: demoEnv() });
    expect(third.stderr).toContain('took over the lock of pid 999999');
    expect(third.code).toBe(0);
  });

  it('stops cleanly on Ctrl-C and says how to resume; the resume finishes the rest once', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file } = twoChannelLesson({ messages: 4, spacingS: 2 });
    const start = new Date(Date.now() + 1500).toISOString();
    let sent = false;
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', start], {
      env: demoEnv(),
      onStdout: (chunk, child) => {
        if (!sent && chunk.includes('ok m1@')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`--start ${start}`);
    const before = sends(sb).length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(8);
    const resumed = await runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv() });
    // Messages whose time passed long ago are skipped by the default grace policy only after 60 s: all are sent here.
    expect(resumed.code).toBe(0);
    const texts = sends(sb).map((e) => `${String(e.params?.['channelId'])}|${String(e.params?.['text'])}`);
    expect(texts).toHaveLength(8);
    expect(new Set(texts).size).toBe(8);
    const status = await runCli(['status', file, '--json']);
    const st = JSON.parse(status.stdout) as { rows: { state: string }[]; runs: number };
    expect(st.runs).toBe(2);
    expect(st.rows.every((row) => row.state === 'done')).toBe(true);
  });
});
