import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { runEngine, VirtualClock } from '../../src/engine/index.js';
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
  writeFileSync(file, `event: { name: Order, timezone: UTC, start: "2026-12-01T12:00", duration: 10m }\nchannels: { a: "1000001", b: "1000002" }\nsteps:\n${steps}`);
  return file;
}

describe('same-instant messages on one channel (issue 14.1, wire side)', () => {
  it("go out in the plan's order, each only after the previous one's answer; other channels do not wait", async () => {
    const file = lesson(
      ['m1 a 1. 欢迎', 'm2 a 2. 今日议程', 'm3 a 3. 开始', 'x1 b 其他频道'].map((s) => s.split(' ')).map(([id, ch, ...t]) => `  - { id: ${id}, kind: message, at: "+0s", channels: ${ch}, text: "${t.join(' ')}" }\n`).join(''),
    );
    const planned = planFile(file, { cwd: tmpdir(), startOverride: NOW + 10_000, now: NOW }).plan!;
    // The author's order is m3, m1, m2 on channel a (as a plan made from a playbook listing them so
    // would hold them): not the ids' order.
    const byId = new Map(planned.actions.map((a) => [a.id, a]));
    const plan: Plan = { ...planned, actions: ['m3', 'x1', 'm1', 'm2'].map((id) => byId.get(id)!) };
    // Every answer on channel a's endpoint comes 300 ms late (applied at once, answered later).
    const sb = await startSandbox({ channels: ['1000001', '1000002'], faults: 'slow=1:300,endpoints=sendCustomMessage' });
    const api = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 't'), baseUrl: sb.url, limiter: new RateLimiter({ max: 1000, windowMs: 1000 }) });
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
    expect(gw.hits).toHaveLength(2);
  });
});
