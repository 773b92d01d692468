import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { runEngine, VirtualClock } from '../../src/engine/index.js';
import { Credentials, PolyvClient, RateLimiter, type PolyvApi } from '../../src/transport/index.js';
import type { ApiRequest } from '../../src/polyv/index.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox } from '../../src/sandbox/index.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const NOW = Date.parse('2026-12-01T11:00:00Z');

/** Two instants (3 messages at +0 s, 2 at +1 s) on two channels, the event starting `leadS` after NOW. */
function plan(leadS: number, extraSteps: readonly string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-rehearse-'));
  const file = join(dir, 'lesson.yaml');
  const steps = ['m1 +0s a', 'm2 +0s b', 'm3 +0s a', 'm4 +1s b', 'm5 +1s a'].map((s) => {
    const [id, at, ch] = s.split(' ');
    return `  - { id: ${id}, kind: message, at: "${at}", channels: ${ch}, text: "text ${id}" }`;
  });
  writeFileSync(file, `event: { name: Rehearsal, timezone: UTC, start: "2026-12-01T12:00", duration: 10m }\nchannels: { a: "1000001", b: "1000002" }\nsteps:\n${[...steps, ...extraSteps].join('\n')}\n`);
  const r = planFile(file, { cwd: dir, startOverride: NOW + leadS * 1000, now: NOW });
  if (!r.plan) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
}

/** A real client against a real sandbox, with its rehearse calls recorded on the way through. */
async function recordingApi(): Promise<{ sb: Sandbox; api: PolyvApi; rehearsed: ApiRequest[][] }> {
  const sb = await startSandbox({ channels: ['1000001', '1000002'] });
  // The sandbox checks timestamps against its own clock: the engine's virtual clock is in 2026, so
  // calls are signed with real time (the client's clock is not the engine's).
  const client = new PolyvClient({ credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test'), baseUrl: sb.url, limiter: new RateLimiter({ max: 1000, windowMs: 1000 }) });
  open.push(sb, client);
  const rehearsed: ApiRequest[][] = [];
  const api = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'rehearse') return (reqs: ApiRequest[], o?: { signal?: AbortSignal }) => (rehearsed.push([...reqs]), target.rehearse(reqs, o));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { sb, api, rehearsed };
}

describe('the engine rehearses its first burst', () => {
  it('when there is time: the first burst’s own calls, repeated to at least 32, and none of them reaches the platform', async () => {
    const { sb, api, rehearsed } = await recordingApi();
    const instants: number[] = [];
    const clock = new VirtualClock(NOW);
    const summary = await runEngine({ plan: plan(10), api, clock, signal: new AbortController().signal, beforeInstant: () => instants.push(clock.now()) });
    expect(summary.actions.every((a) => a.result === 'ok')).toBe(true);
    expect(rehearsed).toHaveLength(1);
    const calls = rehearsed[0]!;
    expect(calls).toHaveLength(32);
    // Only the +0 s and +1 s messages (the first burst's window), cycled.
    expect(new Set(calls.map((r) => JSON.stringify(r.form)))).toEqual(new Set(plan(10).actions.map((a) => (a.kind === 'message' ? JSON.stringify(a.request.form) : '')).filter(Boolean)));
    // The platform saw the five real messages and nothing else.
    expect(sb.platform.messages.map((m) => m.text).sort()).toEqual(['text m1', 'text m2', 'text m3', 'text m4', 'text m5']);
    expect(sb.log).toHaveLength(5);
    // The collection hook ran once per instant, 50 ms before it.
    expect(instants).toEqual([NOW + 10_000 - 50, NOW + 11_000 - 50]);
  });

  it('in the first gap long enough, never holding up a unit due before it', async () => {
    const { api, rehearsed } = await recordingApi();
    // The order in which the platform's client is asked for things (events are printed later, after a
    // burst). A message is staged at its instant's commit, 50 ms ahead, and sent at the instant.
    const order: string[] = [];
    const watched = new Proxy(api, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'rehearse' || prop === 'batchCheckin' || prop === 'stage') return (...a: unknown[]) => (order.push(String(prop)), (v as (...x: unknown[]) => unknown)(...a));
        return v;
      },
    });
    // A check-in 30 s into the lesson is registered at run start (its 10-minute lead is already past).
    const p = plan(10, ['  - { id: ci, kind: checkin, at: "+30s", duration: 20s, prompt: 签到, channels: a }']);
    const summary = await runEngine({ plan: p, api: watched, clock: new VirtualClock(NOW), signal: new AbortController().signal });
    expect(summary.actions.every((a) => a.result === 'ok')).toBe(true);
    expect(rehearsed).toHaveLength(1);
    expect(order).toEqual(['batchCheckin', 'rehearse', 'stage', 'stage', 'stage', 'stage', 'stage']);
  });

  it('not when the first burst is too near (a late start)', async () => {
    const { sb, api, rehearsed } = await recordingApi();
    await runEngine({ plan: plan(1), api, clock: new VirtualClock(NOW), signal: new AbortController().signal });
    expect(rehearsed).toHaveLength(0);
    expect(sb.log).toHaveLength(5);
  });

  it('not when told not to', async () => {
    const { api, rehearsed } = await recordingApi();
    await runEngine({ plan: plan(10), api, clock: new VirtualClock(NOW), signal: new AbortController().signal, rehearse: false });
    expect(rehearsed).toHaveLength(0);
  });

  it('a dry run neither rehearses nor calls the collection hook', async () => {
    let hooked = 0;
    const summary = await runEngine({ plan: plan(10), clock: new VirtualClock(NOW), signal: new AbortController().signal, beforeInstant: () => (hooked += 1) });
    expect(summary.actions).toHaveLength(5);
    expect(hooked).toBe(0);
  });
});
