import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * What machines read does not change with the language: `validate --format github` keeps its
 * command, properties and title (the code); `--format json` its field names, codes, locations and
 * step ids. Only the messages follow the language.
 */
const ZH = { env: { LANG: 'zh_CN.UTF-8' } };
const FILE = 'examples/invalid/checkin-gap-4s.yaml';

describe('validate in Chinese, for machines', () => {
  it('--format github: the message in Chinese, the annotation and the code as in English', async () => {
    const en = await runCli(['validate', FILE, '--format', 'github']);
    const zh = await runCli(['validate', FILE, '--format', 'github'], ZH);
    expect(zh.code).toBe(1);
    expect(en.stdout).toMatch(/^::error file=examples\/invalid\/checkin-gap-4s\.yaml,line=9,col=5,title=RB4009::check-in `second` starts 4s after/m);
    expect(zh.stdout).toMatch(
      /^::error file=examples\/invalid\/checkin-gap-4s\.yaml,line=9,col=5,title=RB4009::频道 1000001 上，签到 `second` 在签到 `first` 结束后4秒就开始了；/m,
    );
    expect(zh.stdout).toMatch(/ \[步骤 second\]$/m);
    const command = (s: string): string[] => s.split('\n').map((l) => l.replace(/::[^:]*$/, ''));
    expect(command(zh.stdout)).toEqual(command(en.stdout));
  });

  it('--format json: the same fields, codes and places; the messages in Chinese', async () => {
    const en = JSON.parse((await runCli(['validate', FILE, '--format', 'json'])).stdout) as Json;
    const zh = JSON.parse((await runCli(['validate', FILE, '--format', 'json'], ZH)).stdout) as Json;
    const d = zh.files[0]!.diagnostics[0]!;
    expect(d).toMatchObject({ code: 'RB4009', severity: 'error', line: 9, col: 5, stepId: 'second', related: [{ line: 5, stepId: 'first' }] });
    expect(d.message).toMatch(/^频道 1000001 上，签到 `second`/);
    expect(d.related![0]!.message).toBe('签到 `first` 在这里');
    // Everything but the messages is identical.
    const withoutMessages = (j: Json): unknown => JSON.parse(JSON.stringify(j, (k, v: unknown) => (k === 'message' ? '' : v)));
    expect(withoutMessages(zh)).toEqual(withoutMessages(en));
  });

  it('--lang en wins over a Chinese locale', async () => {
    const r = await runCli(['validate', FILE, '--lang', 'en'], ZH);
    expect(r.stdout).toMatch(/^examples\/invalid\/checkin-gap-4s\.yaml:9:5: error RB4009 check-in `second`/m);
  });
});

interface Json {
  files: { diagnostics: { message: string; related?: { message: string }[] }[] }[];
}
