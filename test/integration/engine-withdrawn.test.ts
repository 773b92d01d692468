import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { runEngine, VirtualClock, type EngineClock } from '../../src/engine/index.js';
import { Journal, readJournal } from '../../src/journal/index.js';
import { Credentials, PolyvClient, RateLimiter } from '../../src/transport/index.js';
import { startSandbox, DEMO_CREDENTIALS } from '../../src/sandbox/index.js';

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

const NOW = Date.parse('2026-12-01T11:00:00Z');

/** A virtual clock on which Ctrl-C comes while the engine waits for `instant` itself (after its commit ahead). */
function interruptedAt(instant: number, start: number, stop: AbortController): EngineClock {
  const clock = new VirtualClock(start);
  return {
    now: () => clock.now(),
    sleepUntil: async (t, signal) => {
      if (t === instant) stop.abort();
      await clock.sleepUntil(t, signal);
    },
  };
}

describe('intents committed ahead of their instant', () => {
  it('Ctrl-C between the commit ahead and the instant: nothing reaches the platform, the intents are withdrawn, and a resumed run sends each message once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-staged-'));
    const file = join(dir, 'lesson.yaml');
    writeFileSync(
      file,
      'event: { name: Staged, timezone: UTC, start: "2026-12-01T12:00", duration: 10m }\nchannels: { a: "1000001", b: "1000002" }\nsteps:\n' +
        ['m1 +0s a', 'm2 +0s b', 'm3 +0s a', 'm4 +1s b']
          .map((s) => s.split(' '))
          .map(([id, at, ch]) => `  - { id: ${id}, kind: message, at: "${at}", channels: ${ch}, text: "text ${id}" }\n`)
          .join(''),
    );
    const r = planFile(file, { cwd: dir, startOverride: NOW + 10_000, now: NOW });
    const plan = r.plan!;
    const sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const api = new PolyvClient({
      credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test'),
      baseUrl: sb.url,
      limiter: new RateLimiter({ max: 1000, windowMs: 1000 }),
    });
    open.push(sb, api);

    // The first instant's three messages are committed; Ctrl-C comes before the instant.
    const stop = new AbortController();
    const first = Journal.open(join(dir, 'state'), plan.runId);
    const s1 = await runEngine({ plan, api, journal: first, clock: interruptedAt(NOW + 10_000, NOW, stop), signal: stop.signal });
    await first.close();
    expect(s1.interrupted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sb.platform.messages).toHaveLength(0);
    expect(sb.log).toEqual([]);
    const records = readJournal(first.path);
    const intents = records.filter((x) => x.t === 'intent').map((x) => (x as { unit: string }).unit);
    expect(intents.sort()).toEqual(['m1', 'm2', 'm3']);
    expect(
      records
        .filter((x) => x.t === 'withdrawn')
        .map((x) => (x as { unit: string }).unit)
        .sort(),
    ).toEqual(intents);

    // Resumed: nothing is ambiguous, and every message is sent once.
    const second = Journal.open(join(dir, 'state'), plan.runId);
    const s2 = await runEngine({ plan, api, journal: second, prior: records, clock: new VirtualClock(NOW), signal: new AbortController().signal });
    await second.close();
    expect(s2.actions.map((a) => [a.id, a.result])).toEqual([
      ['m1', 'ok'],
      ['m2', 'ok'],
      ['m3', 'ok'],
      ['m4', 'ok'],
    ]);
    expect(sb.platform.messages.map((m) => m.text).sort()).toEqual(['text m1', 'text m2', 'text m3', 'text m4']);
  });
});
