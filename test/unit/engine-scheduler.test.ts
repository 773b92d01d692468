import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/clock.js';
import { INTENT_AHEAD_MS, PREPARE_AHEAD_MS, runSchedule } from '../../src/engine/scheduler.js';
import type { Unit } from '../../src/engine/units.js';

const unit = (id: string, at: number): Unit => ({ id, kind: 'message', at }) as unknown as Unit;

describe('the scheduler', () => {
  it('prepares ahead, commits just ahead and fires at the instant, never before; one instant after another', async () => {
    const clock = new VirtualClock(0);
    const seen: string[] = [];
    const queue = [unit('a', 10_000), unit('b', 10_000), unit('c', 11_000), unit('d', 60_000)];
    const interrupted = await runSchedule(queue, clock, new AbortController().signal, {
      prepare: (us) => void seen.push(`prepare@${clock.now()}:${us.map((u) => u.id).join('')}`),
      commit: (us) => void seen.push(`commit@${clock.now()}:${us.map((u) => u.id).join('')}`),
      fire: async (due, now) => void seen.push(`fire@${now}:${due.map((u) => u.id).join('')}`),
    });
    expect(interrupted).toBe(false);
    expect(seen).toEqual([
      `prepare@${10_000 - PREPARE_AHEAD_MS}:abc`,
      `commit@${10_000 - INTENT_AHEAD_MS}:ab`,
      'fire@10000:ab',
      // The next instant is prepared only once the previous one's calls had a moment (not before).
      `prepare@10250:c`,
      `commit@${11_000 - INTENT_AHEAD_MS}:c`,
      'fire@11000:c',
      `prepare@${60_000 - PREPARE_AHEAD_MS}:d`,
      `commit@${60_000 - INTENT_AHEAD_MS}:d`,
      'fire@60000:d',
    ]);
  });

  it('stops when interrupted, before firing what is not due', async () => {
    const clock = new VirtualClock(0);
    const stop = new AbortController();
    const fired: string[] = [];
    const interrupted = await runSchedule([unit('a', 1000), unit('b', 5000)], clock, stop.signal, {
      prepare: () => undefined,
      commit: (us) => {
        if (us[0]!.id === 'b') stop.abort();
      },
      fire: async (due) => void fired.push(...due.map((u) => u.id)),
    });
    expect(interrupted).toBe(true);
    expect(fired).toEqual(['a']);
  });
});
