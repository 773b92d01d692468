import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { runEngine, VirtualClock } from '../../src/engine/index.js';
import type { PolyvApi } from '../../src/transport/api.js';

const NOW = Date.parse('2026-12-01T11:00:00Z');

describe('lateness in the summary (issue 14.12)', () => {
  it("counts from the action's instant to the attempt the platform accepted, not the first", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-late-'));
    const file = join(dir, 'lesson.yaml');
    writeFileSync(
      file,
      'event: { name: L, timezone: UTC, start: "2026-12-01T12:00", duration: 1m }\nchannels: { a: "1000001" }\nsteps:\n  - { id: hi, kind: message, at: "+0s", text: hi }\n',
    );
    const plan = planFile(file, { cwd: dir, startOverride: NOW + 5000, now: NOW }).plan!;
    const clock = new VirtualClock(NOW);
    // A port whose accepted attempt went out 700 ms after the call was handed to it (a retry, say).
    const api = {
      prepareBurst: () => undefined,
      send: async () => ({ data: null, sentAt: Date.now() + 700 }),
    } as unknown as PolyvApi;
    const s = await runEngine({ plan, api, clock, signal: new AbortController().signal });
    const late = s.actions[0]!.latenessMs!;
    expect(late).toBeGreaterThanOrEqual(690);
    expect(late).toBeLessThan(2000);
  });
});
