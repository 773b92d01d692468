import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { formatMessage } from '../../src/i18n/index.js';

const en = (m: Parameters<typeof formatMessage>[0]): string => formatMessage(m, 'en');

const dir = mkdtempSync(join(tmpdir(), 'rb-tpl-'));
let n = 0;
function file(text: string): string {
  const f = join(dir, `p${(n += 1)}.yaml`);
  writeFileSync(f, text);
  return f;
}
const EVENT = 'event: { name: T, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\nchannels: { main: "1000001" }\n';
const message = (text: string, vars = ''): string => `${EVENT}${vars}steps:\n  - id: m\n    kind: message\n    at: start\n    text: '${text}'\n`;
const textOf = (f: string): string | undefined => {
  const a = planFile(f, { cwd: dir }).plan?.actions[0];
  return a?.kind === 'message' ? a.text : undefined;
};

describe('templates: one engine, one meaning', () => {
  it('refuses a variable named like a helper or the context, where it is set', () => {
    for (const name of ['log', 'date', 'time', 'add', 'lookup', 'each', 'if', 'with', 'event', 'channels']) {
      const r = planFile(file(message(`{{${name}}}{{#if x}}!{{/if}}`, `vars:\n  x: true\n  ${name}: 第3课日志\n`)), { cwd: dir });
      expect(r.diagnostics, name).toMatchObject([{ code: 'RB3007', location: { line: 5, col: 3 } }]);
      expect(r.plan).toBeUndefined();
    }
    const viaCli = planFile(file(message('{{lesson}}', 'vars: { lesson: 1 }\n')), { cwd: dir, vars: ['log=x'] });
    expect(viaCli.diagnostics.map((d) => d.code)).toEqual(['RB3007']);
  });

  it('renders an ordinary variable the same with or without blocks around it', () => {
    expect(textOf(file(message('{{course}}', 'vars: { course: 数据 }\n')))).toBe('数据');
    expect(textOf(file(message('{{course}}{{#if on}}!{{/if}}', 'vars: { course: 数据, on: true }\n')))).toBe('数据!');
  });

  it('makes prototype names located errors, never empty text or JavaScript wording', () => {
    for (const expr of [
      '{{constructor}}',
      '{{__proto__}}',
      '{{toString}}',
      '{{event.constructor}}',
      '{{valueOf}}',
      '{{lookup this "constructor"}}',
      '{{lookup event "toString"}}',
      '{{event.start.length}}',
      '{{channels.main.x}}',
    ]) {
      const r = planFile(file(message(`a ${expr} b`)), { cwd: dir });
      expect(r.plan, expr).toBeUndefined();
      expect(r.diagnostics, expr).toMatchObject([{ code: 'RB3002', stepId: 'm', location: { line: 7 } }]);
      expect(en(r.diagnostics[0]!.message), expr).not.toMatch(/Cannot use|operator|undefined|\[object/);
    }
  });

  it('an unknown lookup name is an error too', () => {
    expect(planFile(file(message('{{lookup event "nope"}}')), { cwd: dir }).diagnostics).toMatchObject([{ code: 'RB3002' }]);
  });

  it('a template error does not hide the rule errors of other steps', () => {
    const f = file(
      `${EVENT}steps:\n  - { id: a, kind: message, at: start, text: "{{nope}}" }\n  - { id: b, kind: message, at: start, text: hi, channels: side }\n  - { id: c, kind: checkin, at: +1m, duration: 99999s }\n`,
    );
    const codes = planFile(f, { cwd: dir }).diagnostics.map((d) => `${d.code}:${d.stepId}`);
    expect(codes).toEqual(['RB3002:a', 'RB4006:b', 'RB4010:c']);
  });
});

describe('templates: bounded', () => {
  it('a huge variable used in many steps ends quickly with located RB3008 diagnostics', () => {
    const big = 'x'.repeat(1536 * 1024);
    const steps = Array.from({ length: 1000 }, (_, i) => `  - { id: s${i}, kind: message, at: +${i}s, text: "{{big}}" }`).join('\n');
    const f = file(`${EVENT}vars:\n  big: ${big}\nsteps:\n${steps}\n`);
    const t0 = performance.now();
    const r = planFile(f, { cwd: dir });
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(r.diagnostics[0]).toMatchObject({ code: 'RB3008', stepId: 's0', location: { line: 6 } });
    expect(r.diagnostics.length).toBeLessThanOrEqual(101);
    expect(r.diagnostics.at(-1)).toMatchObject({ code: 'RB1010' });
  });

  it('the whole file is bounded too', () => {
    const mid = 'y'.repeat(60 * 1024);
    const steps = Array.from({ length: 200 }, (_, i) => `  - { id: s${i}, kind: message, at: +${i}s, text: "{{mid}}{{mid}}" }`).join('\n');
    const r = planFile(file(`${EVENT}vars:\n  mid: "${'y'.repeat(30 * 1024)}"\nsteps:\n${steps}\n`), { cwd: dir });
    expect(mid.length).toBeGreaterThan(0);
    expect(r.diagnostics.map((d) => d.code)).toContain('RB3008');
    expect(en(r.diagnostics.find((d) => d.code === 'RB3008')!.message)).toMatch(/in all/);
  });

  it('deeply nested blocks end quickly with a located RB3008', () => {
    for (const tpl of [
      '{{#if a}}'.repeat(10_000) + 'x' + '{{/if}}'.repeat(10_000),
      `{{#if a}}x${'{{else if a}}x'.repeat(5000)}{{/if}}`,
      `{{date ${'(add '.repeat(2000)}event.start${' "1m")'.repeat(2000)}}}`,
    ]) {
      const t0 = performance.now();
      const r = planFile(file(message(tpl, 'vars: { a: true }\n')), { cwd: dir });
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(r.diagnostics).toMatchObject([{ code: 'RB3008', stepId: 'm', location: { line: 8 } }]);
    }
  });

  it('many blocks one after another are not nesting', () => {
    const blocks = '{{#if a}}x{{^}}y{{/if}}{{#unless b}}u{{else}}v{{/unless}}'.repeat(40);
    expect(textOf(file(message(blocks, 'vars: { a: true, b: false }\n')))).toBe('xu'.repeat(40));
  });

  it('ordinary nesting still renders', () => {
    expect(
      textOf(file(message('{{#if a}}{{#unless b}}{{#with event}}{{time start}}{{/with}}{{/unless}}{{else}}no{{/if}}', 'vars: { a: true, b: false }\n'))),
    ).toBe('19:30');
  });
});
