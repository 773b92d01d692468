import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

/**
 * `--help` of the program and of every command, in both languages, compared with the golden files
 * in test/golden/help/ (`<command>.<lang>.txt`). Regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden/help.test.ts`, and review the diff.
 */
const update = process.env['UPDATE_GOLDEN'] === '1';
const COMMANDS = ['', 'validate', 'plan', 'run', 'status', 'sandbox', 'export', 'serve'] as const;
const LANGS = ['en', 'zh-CN'] as const;
const cases = COMMANDS.flatMap((command) => LANGS.map((lang) => [command, lang] as const));

function golden(path: string, actual: string): void {
  if (update) writeFileSync(path, actual);
  if (!existsSync(path)) expect.fail(`${path} is missing: create it with UPDATE_GOLDEN=1 npx vitest run test/golden/help.test.ts, and review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('--help', () => {
  it.each(cases)('runbook %s --help in %s matches its golden file', async (command, lang) => {
    const r = await runCli([...(command ? [command] : []), '--help', '--lang', lang]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--lang <language>');
    if (lang === 'zh-CN') {
      // None of commander's own English words is left.
      for (const word of ['Usage:', 'Options:', 'Arguments:', 'Commands:', 'Global Options:', '[options]', 'display help', 'default:'])
        expect(r.stdout).not.toContain(word);
      expect(r.stdout).toContain('用法：');
    }
    golden(join(ROOT, 'test', 'golden', 'help', `${command || 'runbook'}.${lang}.txt`), r.stdout);
  });

  it('the language from the locale gives the same help as --lang', async () => {
    const byFlag = await runCli(['run', '--help', '--lang', 'zh-CN']);
    const byLocale = await runCli(['run', '--help'], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(byLocale.stdout).toBe(byFlag.stdout);
  });
});
