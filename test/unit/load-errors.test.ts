import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile, validateFiles } from '../../src/api/pipeline.js';
import { UsageError } from '../../src/core/errors.js';
import { renderDiagnosticsText } from '../../src/cli/render/diagnostics.js';
import { formatMessage } from '../../src/i18n/index.js';

const en = (m: Parameters<typeof formatMessage>[0]): string => formatMessage(m, 'en');

const dir = mkdtempSync(join(tmpdir(), 'rb-errs-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const EVENT = 'event: { name: E, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\n';

describe('errors that help', () => {
  it('a --vars file that cannot be read is a usage error (exit 2)', () => {
    const f = file('v.yaml', `${EVENT}channels: { main: "1" }\nsteps: []\n`);
    expect(() => planFile(f, { cwd: dir, varsFile: 'missing-vars.yaml' })).toThrow(UsageError);
  });

  it('--vars keys no param declares get the --var warning, located in the vars file', () => {
    file('tpl.yaml', `params: { lesson: { type: integer, default: 1 } }\n${EVENT}channels: { main: "1" }\n`);
    const f = file('l.yaml', 'extends: tpl.yaml\nsteps: []\n');
    file('vars.yaml', 'lesson: 2\nlessson: 3\n');
    const r = planFile(f, { cwd: dir, varsFile: 'vars.yaml', vars: ['techer=x'] });
    expect(r.diagnostics).toMatchObject([
      { code: 'RB3005', severity: 'warning', location: { file: 'vars.yaml', line: 2, col: 1 } },
      { code: 'RB3005', severity: 'warning', location: { file: '<command line>' } },
    ]);
    expect(r.plan).toBeDefined();
  });

  it('extends takes relative paths to YAML files only, and never quotes another file', () => {
    const abs = planFile(file('abs.yaml', 'extends: /etc/passwd\n'), { cwd: dir });
    expect(abs.diagnostics).toMatchObject([{ code: 'RB1007', location: { line: 1 } }]);
    file('notes.txt', 'secret line: do not show\n[[[\n');
    const txt = planFile(file('txt.yaml', 'extends: notes.txt\n'), { cwd: dir });
    expect(txt.diagnostics).toMatchObject([{ code: 'RB1007' }]);
    const printed = renderDiagnosticsText([{ code: 'RB1002', severity: 'error', message: 'x', location: { file: 'notes.txt', line: 1, col: 1 } }], {
      color: false,
      cwd: dir,
    });
    expect(printed).not.toContain('secret line');
  });

  it('image must be an http(s) URL', () => {
    for (const image of ['file:///etc/passwd', 'javascript:alert(1)', 'example.com/x.png']) {
      const r = planFile(file('img.yaml', `${EVENT}channels: { main: "1" }\nsteps:\n  - { id: m, kind: message, at: start, image: "${image}" }\n`), {
        cwd: dir,
      });
      expect(r.diagnostics, image).toMatchObject([{ code: 'RB4016', stepId: 'm', location: { line: 4 } }]);
    }
  });

  it('a name that is not allowed says which characters are', () => {
    const r = planFile(file('alias.yaml', `${EVENT}channels: { "bad alias": "1" }\nsteps: []\n`), { cwd: dir });
    expect(r.diagnostics).toMatchObject([{ code: 'RB2001', location: { line: 2, col: 13 } }]);
    expect(en(r.diagnostics[0]!.message)).toMatch(/letters, digits, _ or -/);
  });

  it('several YAML documents in one file: one clear error', () => {
    const r = planFile(file('multi.yaml', `${EVENT}steps: []\n---\nsteps: []\n`), { cwd: dir });
    expect(r.diagnostics).toMatchObject([{ code: 'RB1002', location: { line: 3 } }]);
    expect(en(r.diagnostics[0]!.message)).toMatch(/one YAML document/);
  });

  it('a collision from a shared template names the lessons that collide', async () => {
    file('course.yaml', `${EVENT}channels: { main: "1000001" }\nsteps:\n  - { id: quiz, kind: checkin, at: +10m, duration: 60s }\n`);
    const a = file('lesson-a.yaml', 'extends: course.yaml\n');
    const b = file('lesson-b.yaml', 'extends: course.yaml\n');
    const r = await validateFiles([a, b], { cwd: dir });
    expect(r.crossFile).toHaveLength(1);
    const d = r.crossFile[0]!;
    expect(d).toMatchObject({ code: 'RB4008', location: { file: 'course.yaml', line: 4 } });
    expect(en(d.message)).toContain('lesson-b.yaml');
    expect(en(d.message)).toContain('lesson-a.yaml');
    expect(en(d.related![0]!.message)).toContain('lesson-a.yaml');
  });
});
