import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile, validateFiles } from '../../src/api/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-bounds-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const EVENT = 'event: { name: B, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\nchannels: { main: "1000001" }\n';

describe('every input inside the bounds ends in seconds', () => {
  it('2 MiB (the size bound) of empty steps: one located RB1009, quickly, in bounded memory', async () => {
    const lines = ['steps:'];
    for (let size = 7; size < 2 * 1024 * 1024 - 16; size += 7) lines.push('  - {}');
    const f = file('empty-steps.yaml', `${lines.join('\n')}\n`);
    const heap0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await validateFiles([f], { cwd: dir });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(20_000);
    expect(process.memoryUsage().rss - heap0).toBeLessThan(1024 * 1024 * 1024);
    expect(r.files[0]!.diagnostics).toMatchObject([{ code: 'RB1009', location: { line: 10_002, col: 5 } }]);
  });

  it('10,000 broken steps: at most 100 diagnostics and a count of the rest', () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => `  - { id: s${i}, kind: message, at: +${i}s, txt: x }`).join('\n');
    const f = file('broken.yaml', `${EVENT}steps:\n${steps}\n`);
    const t0 = performance.now();
    const r = planFile(f, { cwd: dir });
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics[0]).toMatchObject({ code: 'RB2001', stepId: 's0', location: { line: 4 } });
    expect(r.diagnostics[100]).toMatchObject({ code: 'RB1010' });
    expect(r.diagnostics[100]!.message).toMatch(/^\d+ more problem/);
  });

  it('10,000 steps with rule errors: capped the same way', () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => `  - { id: s${i}, kind: checkin, at: +${i}s, duration: 60s }`).join('\n');
    const r = planFile(file('collide.yaml', `${EVENT}steps:\n${steps}\n`), { cwd: dir });
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics.slice(0, 100).every((d) => d.code === 'RB4008')).toBe(true);
  });
});
