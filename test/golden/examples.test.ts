import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

/**
 * Every example is validated and planned by the real CLI; the output is compared with the golden file
 * beside it. The invalid examples' diagnostics are checked in both languages: `NAME.expected.txt`
 * (English, the CLI's default) and `NAME.expected.zh-CN.txt` (under `LANG=zh_CN.UTF-8`, as an
 * operator's machine sets it). A golden file holds the diagnostics, everything `validate` prints but
 * its last line (the count of errors, the command's own summary, tested with the command). Regenerate
 * with `UPDATE_GOLDEN=1 npx vitest run test/golden`, then read the diff (the Chinese as an operator would).
 */
const update = process.env['UPDATE_GOLDEN'] === '1';
const lessons = readdirSync(join(ROOT, 'examples', 'lessons')).filter((f) => f.endsWith('.yaml'));
const invalid = readdirSync(join(ROOT, 'examples', 'invalid')).filter((f) => f.endsWith('.yaml'));

/** Compares with the golden file; a missing one fails. Only UPDATE_GOLDEN=1 writes golden files. */
function golden(path: string, actual: string): void {
  if (update) writeFileSync(path, actual);
  if (!existsSync(path)) expect.fail(`${path} is missing: create it with UPDATE_GOLDEN=1 npx vitest run test/golden, and review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('examples/lessons', () => {
  it.each(lessons)('%s is valid and plans to its golden plan', async (name) => {
    const file = `examples/lessons/${name}`;
    const v = await runCli(['validate', file]);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    const p = await runCli(['plan', file, '--json']);
    expect(p.code).toBe(0);
    const plan = JSON.parse(p.stdout) as { actions: { at: string }[] };
    expect(plan.actions.length).toBeGreaterThan(0);
    golden(join(ROOT, 'examples', 'lessons', name.replace(/\.yaml$/, '.plan.expected.json')), p.stdout);
  });

  it('validates the lessons together (no check-in collides across them)', async () => {
    const v = await runCli(['validate', ...lessons.map((l) => `examples/lessons/${l}`)]);
    expect(v.code).toBe(0);
  });
});

const LANGS = [
  { lang: 'en', env: {}, suffix: '.expected.txt', error: 'error' },
  { lang: 'zh-CN', env: { LANG: 'zh_CN.UTF-8' }, suffix: '.expected.zh-CN.txt', error: '错误' },
] as const;

describe('examples/invalid', () => {
  describe.each(LANGS)('in $lang', ({ env, suffix, error }) => {
    it.each(invalid)('%s gives its golden diagnostics and exit 1', async (name) => {
      const v = await runCli(['validate', `examples/invalid/${name}`], { env });
      expect(v.code).toBe(1);
      expect(v.stderr).toBe('');
      // The shape does not change with the language: location, the severity's word, the code.
      expect(v.stdout).toMatch(new RegExp(`^examples/invalid/[\\w.-]+:\\d+:\\d+: ${error} RB\\d{4} `, 'm'));
      const lines = v.stdout.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.pop()).toMatch(/\d/); // the summary: "1 error(s)"
      golden(join(ROOT, 'examples', 'invalid', name.replace(/\.yaml$/, suffix)), `${lines.join('\n')}\n`);
    });
  });
});
