import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/i18n/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';

/**
 * The CLI's language, end to end: chosen by `--lang`, RUNBOOK_LANG or the POSIX locale, and the
 * whole of a sandbox rehearsal — progress, summary table, status — said in it; what machines read
 * (`plan --json`, `validate --format json`) the same in both apart from message texts.
 */
function lesson(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-lang-'));
  const file = join(dir, 'lesson.yaml');
  writeFileSync(
    file,
    'event: { name: 数据分析 第1课, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }\nchannels: { a: "1000001" }\nsteps:\n' +
      '  - { id: ci, kind: checkin, at: +1s, duration: 20s, prompt: 签到 }\n' +
      '  - { id: welcome, kind: message, at: +0s, text: 欢迎 }\n' +
      '  - { id: bye, kind: message, at: +1500ms, text: 再见 }\n',
  );
  return { dir, file };
}

/** Where each column of a table line starts, in terminal columns (after each run of two or more spaces). */
function columnStarts(line: string): number[] {
  const starts = [0];
  const re = / {2,}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) starts.push(displayWidth(line.slice(0, m.index + m[0].length)));
  return starts;
}

/** A JSON value with every `message` field (at any depth) taken out. */
function withoutMessages(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMessages);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (k === 'message' ? [] : [[k, withoutMessages(v)]])));
}

describe('a sandbox rehearsal under LANG=zh_CN.UTF-8', () => {
  it('says its progress, summary and status in Chinese, with the table aligned', async () => {
    const { dir } = lesson();
    const r = await runCli(['run', 'lesson.yaml', '--sandbox', '--start', 'now+1s'], { cwd: dir, env: { LANG: 'zh_CN.UTF-8' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toContain('对内置沙箱演练（演示凭据）');
    expect(out).toMatch(/^运行 [0-9a-f]+：3 个调用；时间按 Asia\/Shanghai$/m);
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} 发送 welcome（message），比计划晚 \d+ 毫秒$/m);
    expect(out).toMatch(/^成功 welcome$/m);
    expect(out).toContain('成功 3，失败 0，结果不明 0，已跳过 0，待执行 0');
    expect(out).toMatch(/^运行日志：.*\.jsonl$/m);
    // No English progress words left.
    for (const english of ['send ', 'ok ', 'journal:', 'rehearsal', 'times in', 'planned (']) expect(out).not.toContain(english);
    // The summary table: its header in Chinese, the planned times as Chinese dates, every row's columns under the header's.
    const lines = out.split('\n');
    const head = lines.findIndex((l) => l.startsWith('动作'));
    expect(lines[head]).toMatch(/^动作 +类型 +频道 +计划时间（Asia\/Shanghai） +结果 +延迟$/);
    const rows = lines.slice(head + 2, head + 5);
    expect(rows.map((l) => l.split(' ')[0])).toEqual(['welcome', 'ci', 'bye']);
    for (const row of rows) {
      expect(row).toMatch(/\d+月\d+日 \d\d:\d\d:\d\d +成功 +\d+ 毫秒$/);
      expect(columnStarts(row)).toEqual(columnStarts(lines[head]!));
    }

    const status = await runCli(['status', 'lesson.yaml'], { cwd: dir, env: { LANG: 'zh_CN.UTF-8' } });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('时间按 Asia/Shanghai');
    expect(status.stdout).toMatch(/^ {2}完成 +\d+月\d+日 \d\d:\d\d:\d\d +message +welcome$/m);
    expect(status.stdout).toContain('计划 3 个：完成 3，失败 0');
    // The same journal read in English: times in the event's zone, not UTC.
    const en = await runCli(['status', 'lesson.yaml'], { cwd: dir });
    expect(en.stdout).toContain('times in Asia/Shanghai');
    expect(en.stdout).toMatch(/^ {2}done +[A-Z][a-z]{2} \d+, \d\d:\d\d:\d\d +message +welcome$/m);
    expect(en.stdout).not.toMatch(/\d\dZ/);
  });

  it('says what the platform refused in Chinese too: progress, summary and status', async () => {
    // The platform knows channel 1000001 only: a message to 1000002 is refused (1097).
    const sb = await startSandbox({ channels: ['1000001'] });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'rb-lang-'));
      writeFileSync(
        join(dir, 'bad.yaml'),
        'event: { name: Bad, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }\nchannels: { a: "1000002" }\nsteps:\n  - { id: m1, kind: message, at: +0s, text: hello }\n',
      );
      const env = { ...demoEnv(), LANG: 'zh_CN.UTF-8' };
      const r = await runCli(['run', 'bad.yaml', '--endpoint', sb.url, '--start', 'now+1s'], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(3);
      // Once as it happens, once under the summary.
      expect(r.stdout.match(/^失败 m1：步骤 m1：.*1097.*$/gmu)).toHaveLength(2);
      expect(r.stdout).toMatch(/^m1 +message +1000002 +\d+月\d+日 [\d:]+ +失败 +\d+ 毫秒$/m);
      const status = await runCli(['status', 'bad.yaml'], { cwd: dir, env });
      expect(status.stdout).toMatch(/^ {2}失败 +\d+月\d+日 [\d:]+ +message +m1 +步骤 m1：.*1097/m);
      // The journal keeps its English words: read in English, the same outcome says so.
      const en = await runCli(['status', 'bad.yaml'], { cwd: dir });
      // (The platform's own message, 非法的频道ID, is shown as the platform wrote it.)
      expect(en.stdout).toMatch(/^ {2}failed +.* m1 +step m1: sendCustomMessage failed: .*1097/m);
    } finally {
      await sb.close();
    }
  });

  it('speaks English with --lang en, whatever the locale', async () => {
    const { dir } = lesson();
    const r = await runCli(['run', 'lesson.yaml', '--sandbox', '--start', 'now+1s', '--lang', 'en'], { cwd: dir, env: { LANG: 'zh_CN.UTF-8' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('rehearsal against the built-in sandbox (demo credentials)');
    expect(r.stdout).toMatch(/^action +kind +channel +planned \(Asia\/Shanghai\) +outcome +late$/m);
    expect(r.stdout).toContain('3 ok, 0 failed, 0 ambiguous, 0 skipped, 0 pending');
    expect(r.stdout).not.toMatch(/成功|运行日志|对内置沙箱/);
  });
});

describe('choosing the language', () => {
  const summary = async (env: Record<string, string>, args: string[] = []): Promise<string> => {
    const r = await runCli(['validate', 'examples/lessons/lesson-01-intro.yaml', ...args], { env });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim();
  };

  it('RUNBOOK_LANG=zh-CN speaks Chinese, and beats the locale', async () => {
    expect(await summary({ RUNBOOK_LANG: 'zh-CN' })).toBe('1 个剧本有效');
    expect(await summary({ RUNBOOK_LANG: 'zh-CN', LC_ALL: 'en_US.UTF-8' })).toBe('1 个剧本有效');
    expect(await summary({ RUNBOOK_LANG: 'en', LANG: 'zh_CN.UTF-8' })).toBe('1 playbook valid');
  });

  it('LC_ALL beats LC_MESSAGES and LANG; --lang beats them all', async () => {
    expect(await summary({ LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('1 个剧本有效');
    expect(await summary({ LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('1 playbook valid');
    expect(await summary({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' })).toBe('1 个剧本有效');
    expect(await summary({ LC_ALL: 'zh_CN.UTF-8', RUNBOOK_LANG: 'zh-CN' }, ['--lang=en'])).toBe('1 playbook valid');
    expect(await summary({}, ['--lang', 'zh-CN'])).toBe('1 个剧本有效');
    expect(await summary({})).toBe('1 playbook valid');
  });

  it('an unknown language asked for is a usage error in one line (exit 2); a foreign locale is English', async () => {
    for (const [args, env, source] of [
      [['--lang', 'fr'], {}, '`--lang`'],
      [['--lang=klingon'], {}, '`--lang`'],
      [[], { RUNBOOK_LANG: 'de' }, 'RUNBOOK_LANG'],
    ] as const) {
      const r = await runCli(['validate', 'examples/lessons/lesson-01-intro.yaml', ...args], { env });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^runbook: ${source} must be zh-CN or en, got "\\w+"\\n$`));
    }
    const missing = await runCli(['validate', 'x.yaml', '--lang']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('runbook: `--lang` needs a value: zh-CN or en\n');
    // Said in the locale's language when the locale names one.
    const zh = await runCli(['validate', 'x.yaml'], { env: { RUNBOOK_LANG: 'de', LANG: 'zh_CN.UTF-8' } });
    expect(zh.stderr).toBe('runbook: RUNBOOK_LANG 只能是 zh-CN 或 en，而不是 "de"\n');
    expect(await summary({ LANG: 'fr_FR.UTF-8' })).toBe('1 playbook valid');
  });

  it("commander's own errors and runbook's usage errors follow the language", async () => {
    const unknown = await runCli(['run', 'x.yaml', '--bogus'], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('错误：未知选项 `--bogus`\n（加 --help 查看用法）\n');
    const english = await runCli(['run', 'x.yaml', '--bogus']);
    expect(english.stderr).toBe("error: unknown option '--bogus'\n(run with --help for usage)\n");
    const command = await runCli(['exprot'], { env: { LANG: 'zh_CN.UTF-8' } });
    expect(command.stderr).toBe('错误：未知命令 `exprot`\n（是不是要用 export？）\n（加 --help 查看用法）\n');
    const missing = await runCli(['plan', '--lang', 'zh-CN']);
    expect(missing.stderr).toContain('错误：缺少必需的参数 `file`');
    const usage = await runCli(['export', 'bogus', '--channel', '1', '--lang', 'zh-CN']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('runbook: 导出什么？只能是 chat、history 或 report，而不是 "bogus"\n');
  });
});

describe('what machines read does not change with the language', () => {
  it('plan --json is the same, byte for byte, in both languages', async () => {
    for (const name of readdirSync(join(ROOT, 'examples', 'lessons')).filter((f) => f.endsWith('.yaml'))) {
      const file = `examples/lessons/${name}`;
      const en = await runCli(['plan', file, '--json']);
      const zh = await runCli(['plan', file, '--json'], { env: { LANG: 'zh_CN.UTF-8' } });
      expect(zh.code).toBe(en.code);
      expect(zh.stdout).toBe(en.stdout);
    }
    // Its warnings too (a check-in already past): their messages stay English.
    const dir = mkdtempSync(join(tmpdir(), 'rb-lang-'));
    writeFileSync(
      join(dir, 'past.yaml'),
      'event: { name: Past, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1h }\nchannels: { a: "1000001" }\nsteps:\n  - { id: c, kind: checkin, at: +1m, duration: 30s }\n',
    );
    const en = await runCli(['plan', 'past.yaml', '--json'], { cwd: dir });
    const zh = await runCli(['plan', 'past.yaml', '--json', '--lang', 'zh-CN'], { cwd: dir });
    expect(en.code, en.stderr).toBe(0);
    expect((JSON.parse(en.stdout) as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toContain('RB4014');
    // (Planned against the clock, so the two runs' times differ by the moments between them: compare the rest.)
    const warnings = (JSON.parse(zh.stdout) as { warnings: { code: string; message: string }[] }).warnings;
    expect(warnings.map((w) => w.code)).toContain('RB4014');
    expect(zh.stdout).not.toMatch(/[\u4e00-\u9fff]/u);
    expect(warnings.find((w) => w.code === 'RB4014')!.message).toMatch(/in the past/);
  });

  it('validate --format json keeps its field names and codes in both languages', async () => {
    const files = readdirSync(join(ROOT, 'examples', 'invalid'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `examples/invalid/${f}`);
    const en = await runCli(['validate', '--format', 'json', ...files]);
    const zh = await runCli(['validate', '--format', 'json', '--lang', 'zh-CN', ...files]);
    expect(en.code).toBe(1);
    expect(zh.code).toBe(1);
    const enJson = JSON.parse(en.stdout) as unknown;
    expect(withoutMessages(JSON.parse(zh.stdout))).toEqual(withoutMessages(enJson));
    expect(JSON.stringify(enJson)).toMatch(/"code": ?"RB\d{4}"/);
  });
});
