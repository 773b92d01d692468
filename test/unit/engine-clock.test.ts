import { describe, expect, it } from 'vitest';
import { realClock, VirtualClock } from '../../src/engine/clock.js';

describe('engine clock', () => {
  it('the real clock never returns early', async () => {
    for (const ahead of [0, 1, 3, 17, 40]) {
      const t = Date.now() + ahead;
      await realClock.sleepUntil(t);
      expect(Date.now()).toBeGreaterThanOrEqual(t);
    }
  });

  it('the real clock stops on abort with the signal reason', async () => {
    const ac = new AbortController();
    const p = realClock.sleepUntil(Date.now() + 60_000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });

  it('a wait far beyond the timer limit does not fire at once (no 2^31 overflow)', async () => {
    const ac = new AbortController();
    let done = false;
    const p = realClock.sleepUntil(Date.now() + 2 ** 32, ac.signal).then(
      () => (done = true),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    ac.abort();
    await p;
  });

  it('the virtual clock jumps forward at once and never goes back', async () => {
    const c = new VirtualClock(1000);
    await c.sleepUntil(5000);
    expect(c.now()).toBe(5000);
    await c.sleepUntil(2000);
    expect(c.now()).toBe(5000);
  });
});
