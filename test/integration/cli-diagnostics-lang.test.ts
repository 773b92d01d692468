import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe("plan and run show diagnostics in the reader's language too", () => {
  it("plan: a past check-in's warning in Chinese; run: an invalid playbook's errors in Chinese", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-diag-lang-'));
    writeFileSync(
      join(dir, 'past.yaml'),
      'event: { name: Past, timezone: Asia/Shanghai, start: "2020-12-01T19:30", duration: 1h }\nchannels: { main: "1000001" }\nsteps:\n  - { id: c, kind: checkin, at: +10m, duration: 60s }\n',
    );
    const p = await runCli(['plan', 'past.yaml'], { cwd: dir, ...ZH });
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/^past\.yaml:4:\d+: 警告 RB4014 这个签到的开始时间（12月1日 19:40）已经过去 /m);
    const bad = await runCli(['plan', 'examples/invalid/bad-timezone.yaml'], ZH);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^examples\/invalid\/bad-timezone\.yaml:2:32: 错误 RB4001 未知时区 "Asia\/Beijing"/m);
    const run = await runCli(['run', 'examples/invalid/bad-timezone.yaml', '--dry-run'], ZH);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^examples\/invalid\/bad-timezone\.yaml:2:32: 错误 RB4001 未知时区/m);
  });
});

interface Json {
  files: { diagnostics: { message: string; related?: { message: string }[] }[] }[];
}
