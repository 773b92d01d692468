import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseFastYaml } from '../../src/load/fast-yaml.js';
import { isCredentialKey } from '../../src/load/yaml-file.js';

const ROOT = join(import.meta.dirname, '..', '..');
const fast = (text: string): unknown => parseFastYaml(text, 'f.yaml', isCredentialKey)?.value;

/** The `yaml` library's reading, or undefined when it refuses the text. */
function reference(text: string): { value: unknown } | undefined {
  try {
    return { value: parse(text, { uniqueKeys: true, strict: true }) };
  } catch {
    return undefined;
  }
}

describe('the fast YAML reader agrees with the yaml library wherever it answers', () => {
  const files = ['lessons', 'templates', 'invalid'].flatMap((d) => readdirSync(join(ROOT, 'examples', d)).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'examples', d, f)));

  it('on every example it accepts', () => {
    let accepted = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const v = fast(text);
      if (v === undefined) continue;
      accepted += 1;
      expect(v, f).toEqual(reference(text)?.value);
    }
    expect(accepted).toBeGreaterThanOrEqual(8);
  });

  it('on mutated examples (never a different value, only a refusal)', () => {
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const pieces = [':', ': ', '- ', '  ', '   ', '\n', '\n  ', '#', ' #x', '"', "'", '[', ']', '{', '}', ',', 'a: b', '- x', '~', 'null', 'true', 'yes', '012', '+1', '-1', '1.5', '0x1F', '.inf', '\\n', '\\"', "''", '&a', '*a', '!!str', '|', '>', '?', 'key: [a, b]', 'k: {x: 1}', '__proto__: 1', '-5m', 'end+1m', '\r', ' ', '- - a', ':x', 'a:b', '{a: [1, {b: c}]}', '"a\\u0041"', "'it''s'", '@', '`', '%', '---', '\t', '\u00a0', '{}', '[]'];
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(fc.record({ pos: fc.nat(), del: fc.nat({ max: 6 }), ins: fc.constantFrom(...pieces) }), { maxLength: 5 }), (fi, edits) => {
        let text = texts[fi]!;
        for (const e of edits) {
          const at = e.pos % (text.length + 1);
          text = text.slice(0, at) + e.ins + text.slice(at + e.del);
        }
        const v = fast(text);
        if (v === undefined) return;
        const ref = reference(text);
        expect(ref, `fast accepted what yaml refuses:\n${text}`).toBeDefined();
        expect(v).toEqual(ref!.value);
      }),
      { numRuns: 3000 },
    );
  });

  it('locates keys and values like the full parser', () => {
    const r = parseFastYaml('event: { name: x, timezone: UTC }\nsteps:\n  - id: a\n    kind: message\n    text: "hi"\n', 'f.yaml', isCredentialKey)!;
    expect(r.index.locate(['steps', 0, 'text'])).toMatchObject({ line: 5, col: 11 });
    expect(r.index.locateKey(['steps', 0, 'kind'])).toMatchObject({ line: 4, col: 5 });
    expect(r.index.locate(['event', 'timezone'])).toMatchObject({ line: 1, col: 29 });
    expect(r.index.locate(['steps', 0, 'nope'])).toMatchObject({ line: 3, col: 5 });
  });
});

describe('a large playbook gives the same diagnostics through either reader', () => {
  it('schema errors point at the same places', async () => {
    const { parseYamlText, DEFAULT_LIMITS } = await import('../../src/load/yaml-file.js');
    const { schemaDiagnostics } = await import('../../src/validate/schema-diagnostics.js');
    const steps: string[] = [];
    for (let i = 0; i < 900; i++) steps.push(`  - id: s${i}\n    kind: message\n    at: +${i}s\n    text: "第 ${i} 条 · {{who}}"${i === 500 ? '\n    txt: typo' : ''}${i === 700 ? '\n    audience: everyone' : ''}`);
    const text = `event: { name: Big, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 2h }\nchannels: { main: "1000001" }\nvars: { who: 老师 }\nsteps:\n${steps.join('\n')}\n  - { id: flow, kind: checkin, at: +2h, duration: 5s, prompt: "签到", bogus: 1 }\n`;
    expect(text.length).toBeGreaterThan(64 * 1024);
    const fastR = parseYamlText(text, 'big.yaml', DEFAULT_LIMITS, true);
    const slowR = parseYamlText(text, 'big.yaml', DEFAULT_LIMITS, false);
    expect(fastR.yaml!.value).toEqual(slowR.yaml!.value);
    const a = schemaDiagnostics(fastR.yaml!.value, fastR.yaml!.index).map((d) => [d.code, d.stepId, d.location.line, d.location.col]);
    const b = schemaDiagnostics(slowR.yaml!.value, slowR.yaml!.index).map((d) => [d.code, d.stepId, d.location.line, d.location.col]);
    expect(a).toHaveLength(3);
    expect(a).toEqual(b);
  });
});
