import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-hostile-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const codes = (f: string): string[] => planFile(f, { cwd: dir }).diagnostics.map((d) => d.code);

describe('hostile and malformed playbooks', () => {
  it('stops an alias bomb quickly with a located diagnostic', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const f = file('bomb.yaml', `${lines.join('\n')}\n`);
    const t0 = performance.now();
    const r = planFile(f, { cwd: dir });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.diagnostics[0]).toMatchObject({ code: 'RB1003', location: { line: expect.any(Number) } });
  });

  it('refuses deep nesting, __proto__ and constructor keys', () => {
    expect(codes(file('deep.yaml', `vars: ${'['.repeat(200)}1${']'.repeat(200)}\n`))).toContain('RB1008');
    expect(codes(file('proto.yaml', '__proto__: { polluted: true }\n'))).toEqual(['RB2003']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(codes(file('ctor.yaml', 'vars:\n  constructor: 1\n'))).toEqual(['RB2003']);
  });

  it('refuses credentials without echoing them', () => {
    const r = planFile(file('cred.yaml', 'vars:\n  app_secret: s3cr3t-value-123\n'), { cwd: dir });
    expect(r.diagnostics).toMatchObject([{ code: 'RB2002', location: { line: 2, col: 3 } }]);
    expect(JSON.stringify(r.diagnostics)).not.toContain('s3cr3t-value-123');
  });

  it('refuses a file that is too large', () => {
    const f = file('big.yaml', `# ${'x'.repeat(5 * 1024 * 1024)}\n`);
    expect(codes(f)).toEqual(['RB1004']);
  });

  it('turns prototype-reaching templates into diagnostics', () => {
    for (const expr of ['{{constructor}}', '{{__proto__}}', '{{lookup this "constructor"}}', '{{constructor.constructor}}']) {
      const f = file(
        'tpl.yaml',
        `event: { name: x, timezone: UTC, start: "2026-12-01T10:00", duration: 1h }\nchannels: { main: "1" }\nsteps:\n  - id: m\n    kind: message\n    at: start\n    text: 'a ${expr} b'\n`,
      );
      const r = planFile(f, { cwd: dir });
      const text = r.plan?.actions[0]?.kind === 'message' ? r.plan.actions[0].text : undefined;
      // Either a located diagnostic, or the expression rendered to nothing: never a function's source.
      if (r.diagnostics.length > 0) expect(r.diagnostics[0]).toMatchObject({ code: expect.stringMatching(/^RB300[126]$/), stepId: 'm', location: { line: 7 } });
      else expect(text).toBe('a  b');
    }
  });

  it('reports extends problems at the extends value', () => {
    expect(codes(file('x1.yaml', 'extends: missing.yaml\n'))).toEqual(['RB1007']);
    file('y1.yaml', 'extends: y2.yaml\n');
    file('y2.yaml', 'extends: y1.yaml\n');
    expect(codes(join(dir, 'y1.yaml'))).toEqual(['RB1005']);
    for (let i = 0; i < 12; i++) file(`d${i}.yaml`, `extends: d${i + 1}.yaml\n`);
    file('d12.yaml', 'vars: {}\n');
    expect(codes(join(dir, 'd0.yaml'))).toEqual(['RB1006']);
  });
});
