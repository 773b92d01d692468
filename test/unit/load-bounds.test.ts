import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile, validateFiles } from '../../src/api/pipeline.js';
import { formatMessage } from '../../src/i18n/index.js';

const en = (m: Parameters<typeof formatMessage>[0]): string => formatMessage(m, 'en');

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
    expect(en(r.diagnostics[100]!.message)).toMatch(/^\d+ more problem/);
  });

  it('10,000 steps with rule errors: capped the same way', () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => `  - { id: s${i}, kind: checkin, at: +${i}s, duration: 60s }`).join('\n');
    const r = planFile(file('collide.yaml', `${EVENT}steps:\n${steps}\n`), { cwd: dir });
    expect(r.diagnostics).toHaveLength(101);
    expect(r.diagnostics.slice(0, 100).every((d) => d.code === 'RB4008')).toBe(true);
  });
});

describe('a plan is bounded too', () => {
  it('steps × channels beyond 100,000 actions: one located RB1009, quickly', () => {
    const aliases = Array.from({ length: 20_000 }, (_, i) => `  c${i}: "${1_000_000 + i}"`).join('\n');
    const steps = Array.from({ length: 100 }, (_, i) => `  - { id: s${i}, kind: message, at: +${i}s, text: hi }`).join('\n');
    const f = file(
      'wide.yaml',
      `event: { name: W, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\nchannels:\n${aliases}\nsteps:\n${steps}\n`,
    );
    const t0 = performance.now();
    const r = planFile(f, { cwd: dir });
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.plan).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toMatchObject([{ code: 'RB1009', stepId: 's5', location: { line: 20_009 } }]);
  });
});

describe('large mappings', () => {
  it('80,000 variables or channel aliases are checked in seconds (no check that compares every key with every other)', () => {
    const vars = Array.from({ length: 80_000 }, (_, i) => `  v${i}: ${i}`).join('\n');
    const f = file('many-vars.yaml', `${EVENT}vars:\n${vars}\nsteps:\n  - { id: m, kind: message, at: start, text: "{{v79999}}" }\n`);
    let t0 = performance.now();
    const r = planFile(f, { cwd: dir });
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.diagnostics).toEqual([]);
    const aliases = Array.from({ length: 80_000 }, (_, i) => `  c${i}: "x${i}"`).join('\n');
    const g = file(
      'many-aliases.yaml',
      `event: { name: B, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\nchannels:\n${aliases}\nsteps: []\n`,
    );
    t0 = performance.now();
    const s = planFile(g, { cwd: dir });
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(s.diagnostics).toHaveLength(101);
    expect(s.diagnostics[99]).toMatchObject({ code: 'RB2001', location: { line: 102 } });
  });

  it('a duplicate key is still a located YAML error, in block and flow mappings', () => {
    const r = planFile(file('dup.yaml', 'vars:\n  a: 1\n  b: 2\n  a: 3\nevent: { x: 1, x: 2 }\n'), { cwd: dir });
    expect(r.diagnostics).toMatchObject([
      { code: 'RB1002', location: { line: 4, col: 3 } },
      { code: 'RB1002', location: { line: 5, col: 16 } },
    ]);
    expect(planFile(file('nodup.yaml', `${EVENT}vars: { a: 1, "b": 2, c: { } }\nsteps: []\n`), { cwd: dir }).diagnostics.map((d) => d.code)).toEqual([
      'RB2001',
    ]);
  });
});
