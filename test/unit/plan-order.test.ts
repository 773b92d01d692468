import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-order-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const EVENT = 'event: { name: Order, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\n';

describe('order within an instant is the author order', () => {
  it('keeps the listed order of same-instant messages, not id order', () => {
    const f = file(
      'one.yaml',
      `${EVENT}channels: { main: "1000001" }\nsteps:\n  - { id: z-welcome, kind: message, at: start, text: "1. 欢迎" }\n  - { id: m-rules, kind: message, at: start, text: "2. 规则" }\n  - { id: a-agenda, kind: message, at: start, text: "3. 今日议程" }\n`,
    );
    const r = planFile(f, { cwd: dir });
    expect(r.diagnostics).toEqual([]);
    expect(r.plan!.actions.map((a) => a.id)).toEqual(['z-welcome', 'm-rules', 'a-agenda']);
  });

  it('across extends: template steps, then the lesson, a replaced step keeping its place', () => {
    file(
      'tpl.yaml',
      `${EVENT}channels: { main: "1000001", side: "1000002" }\nsteps:\n  - { id: t-c, kind: message, at: start, text: T1 }\n  - { id: t-b, kind: message, at: start, text: T2 }\n  - { id: t-a, kind: message, at: start, text: T3 }\n`,
    );
    const f = file(
      'lesson.yaml',
      `extends: tpl.yaml\nsteps:\n  - { id: l-b, kind: message, at: start, text: L1, channels: [side, main] }\n  - { id: t-b, kind: message, at: start, text: T2-replaced }\n  - { id: l-a, kind: message, at: start, text: L2, channels: main }\n`,
    );
    const r = planFile(f, { cwd: dir });
    expect(r.diagnostics).toEqual([]);
    const ids = r.plan!.actions.map((a) => a.id);
    expect(ids).toEqual(['t-c@main', 't-c@side', 't-b@main', 't-b@side', 't-a@main', 't-a@side', 'l-b@side', 'l-b@main', 'l-a']);
    const main = r.plan!.actions.filter((a) => a.channelAlias === 'main' && a.kind === 'message').map((a) => (a.kind === 'message' ? a.text : ''));
    expect(main).toEqual(['T1', 'T2-replaced', 'T3', 'L1', 'L2']);
  });

  it('orders by time first', () => {
    const f = file(
      'time.yaml',
      `${EVENT}channels: { main: "1000001" }\nsteps:\n  - { id: late, kind: message, at: +1m, text: b }\n  - { id: early, kind: message, at: start, text: a }\n`,
    );
    expect(planFile(f, { cwd: dir }).plan!.actions.map((a) => a.id)).toEqual(['early', 'late']);
  });
});
