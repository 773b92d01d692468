import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { realClock, runEngine, VirtualClock } from '../../src/engine/index.js';
import type { Plan } from '../../src/plan/types.js';
import { startSandbox, DEMO_CREDENTIALS } from '../../src/sandbox/index.js';
import { Credentials, PolyvClient, RateLimiter } from '../../src/transport/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';
import { scriptedServer } from '../helpers/transport-http.js';

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const NOW = Date.parse('2026-12-01T11:00:00Z');

function lesson(steps: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rb-order-'));
  const file = join(dir, 'lesson.yaml');
  writeFileSync(
    file,
    `event: { name: Order, timezone: UTC, start: "2026-12-01T12:00", duration: 10m }\nchannels: { a: "1000001", b: "1000002" }\nsteps:\n${steps}`,
  );
  return file;
}

describe('same-instant messages on one channel (issue 14.1, wire side)', () => {
  it("go out in the plan's order, each only after the previous one's answer; other channels do not wait", async () => {
    const file = lesson(
      ['m1 a 1. 欢迎', 'm2 a 2. 今日议程', 'm3 a 3. 开始', 'x1 b 其他频道']
        .map((s) => s.split(' '))
        .map(([id, ch, ...t]) => `  - { id: ${id}, kind: message, at: "+0s", channels: ${ch}, text: "${t.join(' ')}" }\n`)
        .join(''),
    );
    const planned = planFile(file, { cwd: tmpdir(), startOverride: NOW + 10_000, now: NOW }).plan!;
    // The author's order is m3, m1, m2 on channel a (as a plan made from a playbook listing them so
    // would hold them): not the ids' order.
    const byId = new Map(planned.actions.map((a) => [a.id, a]));
    const plan: Plan = { ...planned, actions: ['m3', 'x1', 'm1', 'm2'].map((id) => byId.get(id)!) };
    // Every answer on channel a's endpoint comes 300 ms late (applied at once, answered later).
    const sb = await startSandbox({ channels: ['1000001', '1000002'], faults: 'slow=1:300,endpoints=sendCustomMessage' });
    const api = new PolyvClient({
      credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 't'),
      baseUrl: sb.url,
      limiter: new RateLimiter({ max: 1000, windowMs: 1000 }),
    });
    open.push(sb, api);
    const s = await runEngine({ plan, api, clock: new VirtualClock(NOW), signal: new AbortController().signal });
    expect(s.actions.every((a) => a.result === 'ok')).toBe(true);
    const onA = sb.platform.messages.filter((m) => m.channelId === '1000001');
    expect(onA.map((m) => m.text)).toEqual(['3. 开始', '1. 欢迎', '2. 今日议程']);
    // Each waited for the previous answer (300 ms); channel b's went out with the first.
    expect(onA[1]!.receivedAt - onA[0]!.receivedAt).toBeGreaterThanOrEqual(290);
    expect(onA[2]!.receivedAt - onA[1]!.receivedAt).toBeGreaterThanOrEqual(290);
    const onB = sb.platform.messages.find((m) => m.channelId === '1000002')!;
    expect(onB.receivedAt - onA[0]!.receivedAt).toBeLessThan(250);
  });
});

describe('a message that waited for the one before it on its channel', () => {
  it('is skipped by its `missed` policy if the wait made it too late', async () => {
    const file = lesson(
      '  - { id: m1, kind: message, at: "+0s", channels: a, text: first }\n  - { id: m2, kind: message, at: "+0s", channels: a, text: second, policy: { missed: skip } }\n',
    );
    const now = Date.now();
    const plan = planFile(file, { cwd: tmpdir(), startOverride: now + 1000, now }).plan!;
    // The first answer comes after 2.5 s: longer than the 1 s a message may be late here.
    const sb = await startSandbox({ channels: ['1000001', '1000002'], faults: 'slow=1:2500,endpoints=sendCustomMessage' });
    const api = new PolyvClient({
      credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 't'),
      baseUrl: sb.url,
      limiter: new RateLimiter({ max: 1000, windowMs: 1000 }),
    });
    open.push(sb, api);
    const s = await runEngine({ plan, api, clock: realClock, signal: new AbortController().signal, missedAfterMs: 1000 });
    expect(s.actions.map((x) => [x.id, x.result])).toEqual([
      ['m1', 'ok'],
      ['m2', 'skipped'],
    ]);
    expect(s.actions[1]!.message).toMatch(/waiting for the message before it/);
    expect(sb.platform.messages.map((m) => m.text)).toEqual(['first']);
  });
});

describe('a timestamp refused twice (issue 14.6)', () => {
  it('is a failed action (exit 3), not ambiguous, and names no skew when none was measured', async () => {
    // A server that refuses every timestamp, with a correct Date header (so no skew is measured).
    const gw = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
      res.end(JSON.stringify({ code: 400, status: 'error', requestId: 'r', error: { code: 400, desc: 'invalid timestamp.' }, success: false }));
    });
    open.push(gw);
    const file = lesson('  - { id: hello, kind: message, at: "+0s", channels: a, text: hi }\n');
    const r = await runCli(['run', file, '--endpoint', gw.url, '--start', 'now+1s', '--json'], { env: demoEnv() });
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { actions: { id: string; result: string; message?: string }[] };
    expect(summary.actions[0]).toMatchObject({ id: 'hello', result: 'failed' });
    expect(summary.actions[0]!.message).toMatch(/refused the timestamp twice, so nothing was applied; no clock skew was measured/);
    expect(r.code).toBe(3);
    expect(gw.hits.filter((h) => h.includes('send-custom-message'))).toHaveLength(2);
  });
});

describe("the platform's clock is the lesson's (issue 14.10)", () => {
  it('with this machine 4 minutes behind, messages go at the platform time, check-ins are registered for it, and the offset is shown', async () => {
    const skew = 4 * 60_000;
    const sb = await startSandbox({ channels: ['1000001', '1000002'], clockOffsetMs: skew });
    open.push(sb);
    const file = lesson(
      '  - { id: hello, kind: message, at: "+0s", channels: a, text: hi }\n  - { id: roll, kind: checkin, at: "+60s", duration: 10s, channels: a, prompt: 签到 }\n',
    );
    // The start as the platform sees it: 3 s from its now.
    const start = Date.now() + skew + 3000;
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', new Date(start).toISOString(), '--json'], { env: demoEnv(), timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; code?: string; offsetMs?: number });
    const notice = events.find((e) => e.type === 'notice' && e.code === 'clock-offset');
    expect(Math.abs(notice!.offsetMs! - skew)).toBeLessThan(2000);
    // The message reached the platform at its time on the platform's clock (not 4 minutes late;
    // bounds generous for a loaded machine).
    const msg = sb.platform.messages[0]!;
    expect(msg.receivedAt - start).toBeGreaterThanOrEqual(0);
    expect(msg.receivedAt - start).toBeLessThan(30_000);
    // The check-in starts at +60 s on the platform's clock, still ahead when it was registered.
    const checkin = sb.platform.checkins.get('1000001')![0]!;
    expect(checkin.delayTime).toBe(start + 60_000);
    expect(checkin.delayTime).toBeGreaterThan(checkin.receivedAt);
  }, 70_000);
});

describe("a lesson's history window (issue 14.12)", () => {
  it('includes the message sent at the end', async () => {
    const sb = await startSandbox({ channels: ['1000001', '1000002'] });
    open.push(sb);
    const dir = mkdtempSync(join(tmpdir(), 'rb-window-'));
    const file = join(dir, 'lesson.yaml');
    writeFileSync(
      file,
      `event: { name: Window, timezone: UTC, start: "2026-12-01T12:00", duration: 2s }\nchannels: { a: "1000001" }\nsteps:\n` +
        `  - { id: bye, kind: message, at: end, text: 再见 }\n  - { id: history, kind: historyExport, at: end+1s, outDir: out }\n`,
    );
    // Started far enough ahead that a loaded machine still sends the message before the export runs.
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+4s', '--json'], { env: demoEnv() });
    expect(r.code).toBe(0);
    const { readdirSync, readFileSync } = await import('node:fs');
    const out = join(dir, 'out');
    const text = readdirSync(out)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(join(out, f), 'utf8'))
      .join('');
    expect(text).toContain('再见');
  });
});
