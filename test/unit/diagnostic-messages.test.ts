import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile } from '../../src/api/pipeline.js';
import { renderDiagnosticsGithub, renderDiagnosticsText } from '../../src/cli/render/diagnostics.js';
import { DiagnosticCodes, diagnosticJson, type Diagnostic, type DiagnosticCode } from '../../src/core/diagnostic.js';
import { FileError } from '../../src/core/file-error.js';
import { loadPlaybook, type LoadOptions } from '../../src/load/load-playbook.js';
import { formatMessage, LANGUAGES, msg } from '../../src/i18n/index.js';
import { schemaDiagnostics } from '../../src/validate/schema-diagnostics.js';
import { ROOT } from '../helpers/cli.js';

/**
 * Every diagnostic code has its words in both catalogs: one small playbook per code makes it, and
 * each diagnostic (and related location) it gives formats in English and Chinese with the formatter
 * strict (vitest sets RUNBOOK_I18N_STRICT=1, so a missing key or parameter throws), and the Chinese
 * is not the English left untranslated. The examples in examples/ are formatted the same way.
 */
const dir = mkdtempSync(join(tmpdir(), 'rb-diag-msgs-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const EVENT = 'event: { name: E, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\nchannels: { main: "1" }\n';
const step = (s: string): string => `${EVENT}steps:\n  - ${s}\n`;

type Case = () => readonly Diagnostic[];
const plan = (name: string, text: string, o: Partial<Parameters<typeof planFile>[1]> = {}): Case => {
  return () => planFile(file(name, text), { cwd: dir, ...o }).diagnostics;
};
const load = (name: string, text: string, o: LoadOptions): Case => {
  return () => loadPlaybook(file(name, text), { displayBase: dir, checkFile: schemaDiagnostics, ...o }).diagnostics;
};
const example = (name: string): Case => {
  return () => planFile(`examples/invalid/${name}`, { cwd: ROOT }).diagnostics;
};

const CASES: Record<DiagnosticCode, Case> = {
  RB1001: () => planFile('no-such-file.yaml', { cwd: dir }).diagnostics,
  RB1002: example('yaml-syntax.yaml'),
  RB1003: plan('alias.yaml', `a: &a [1]\nb: [${Array.from({ length: 300 }, () => '*a').join(', ')}]\n`),
  RB1004: load('big.yaml', EVENT, { limits: { maxBytes: 10 } }),
  RB1005: example('cycle-a.yaml'),
  RB1006: () => {
    file('base.yaml', EVENT);
    return load('deep.yaml', 'extends: base.yaml\nsteps: []\n', { maxExtendsDepth: 0 })();
  },
  RB1007: plan('missing-base.yaml', 'extends: not-there.yaml\n'),
  RB1008: load('nested.yaml', 'a: { b: { c: { d: 1 } } }\n', { limits: { maxDepth: 2 } }),
  RB1009: load('many.yaml', `${EVENT}steps: [{}, {}, {}]\n`, { limits: { maxSteps: 2 } }),
  RB1010: plan('typos.yaml', `${EVENT}steps:\n${Array.from({ length: 105 }, (_, i) => `  - { id: s${i}, kind: message, at: start, txt: x }`).join('\n')}\n`),
  RB2001: example('schema-error.yaml'),
  RB2002: example('credential-key.yaml'),
  RB2003: plan('proto.yaml', `${EVENT}__proto__: 1\n`),
  RB3001: plan('syntax.yaml', step('{ id: s, kind: message, at: start, text: "{{#if}}" }')),
  RB3002: example('unknown-variable.yaml'),
  RB3003: plan(
    'required.yaml',
    `params: { teacher: { type: string, required: true, description: 讲师姓名 } }\n${step('{ id: s, kind: message, at: start, text: "{{teacher}}" }')}`,
  ),
  RB3004: plan(
    'type.yaml',
    `params: { lesson: { type: integer } }\nvars: { lesson: three }\n${step('{ id: s, kind: message, at: start, text: "{{lesson}}" }')}`,
  ),
  RB3005: plan('undeclared.yaml', `params: { lesson: { type: integer, default: 1 } }\n${step('{ id: s, kind: message, at: start, text: hi }')}`, {
    vars: ['lessson=2'],
  }),
  RB3006: plan('helper.yaml', step('{ id: s, kind: message, at: start, text: "{{date 5}} {{nohelper 1}}" }')),
  RB3007: example('helper-named-variable.yaml'),
  RB3008: plan('deep.yaml', step(`{ id: s, kind: message, at: start, text: "${'{{#if true}}'.repeat(40)}x${'{{/if}}'.repeat(40)}" }`)),
  RB4001: example('bad-timezone.yaml'),
  RB4002: plan('time.yaml', step('{ id: s, kind: message, at: soon, text: hi }')),
  RB4003: example('dst-gap.yaml'),
  RB4004: plan('twice.yaml', 'event: { name: E, timezone: America/New_York, start: "2030-11-03T01:30", duration: 1h }\nchannels: { main: "1" }\nsteps: []\n'),
  RB4005: example('end-and-duration.yaml'),
  RB4006: example('several-problems.yaml'),
  RB4007: plan('dup.yaml', `${EVENT}steps:\n  - { id: s, kind: message, at: start, text: a }\n  - { id: s, kind: message, at: +1m, text: b }\n`),
  RB4008: example('overlapping-checkins.yaml'),
  RB4009: example('checkin-gap-4s.yaml'),
  RB4010: plan('limit.yaml', step('{ id: c, kind: checkin, at: +1m, duration: 10001s }')),
  RB4011: plan('empty-message.yaml', step('{ id: s, kind: message, at: start }')),
  RB4012: example('text-too-long.yaml'),
  RB4013: example('time-out-of-bounds.yaml'),
  RB4014: plan('past.yaml', step('{ id: c, kind: checkin, at: +1m, duration: 30s }'), { now: Date.parse('2030-12-01T12:00:00Z') }),
  RB4015: plan('burst.yaml', `${EVENT}steps:\n${Array.from({ length: 1250 }, (_, i) => `  - { id: m${i}, kind: message, at: start, text: x }`).join('\n')}\n`),
  RB4016: plan('image.yaml', step('{ id: s, kind: message, at: start, image: "ftp://example.com/a.png" }')),
};

/** Each message of a diagnostic (its own and its related locations'), in every language; throws when one cannot be formatted. */
function formatted(d: Diagnostic): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const lang of LANGUAGES) out[lang] = [d.message, ...(d.related ?? []).map((r) => r.message)].map((m) => formatMessage(m, lang));
  return out;
}

describe('every diagnostic code speaks both languages', () => {
  it('the strict formatter is on (a missing key throws)', () => {
    expect(process.env['RUNBOOK_I18N_STRICT']).toBe('1');
    expect(() => formatMessage({ key: 'diag.no.such.key' as never }, 'zh-CN')).toThrow(/i18n/);
  });

  it('the table below covers every code', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.values(DiagnosticCodes).sort());
  });

  it.each(Object.entries(CASES))('%s: made, and formatted in en and zh-CN', (code, make) => {
    const diags = make();
    const mine = diags.filter((d) => d.code === code);
    expect(mine.length, JSON.stringify(diags.map((d) => formatMessage(d.message, 'en')))).toBeGreaterThan(0);
    for (const d of diags) {
      const f = formatted(d);
      f['en']!.forEach((english, i) => {
        const chinese = f['zh-CN']![i]!;
        expect(english).not.toMatch(/[{}]\s*$|undefined|\[object/);
        // Translated: the Chinese says it in Chinese, not in the English words.
        expect(chinese, english).not.toBe(english);
        expect(chinese, english).toMatch(/[\u3400-\u9fff]/);
      });
      // And the renderers and the JSON form take the language.
      for (const lang of LANGUAGES) {
        expect(() => renderDiagnosticsText([d], { color: false, cwd: dir, lang })).not.toThrow();
        expect(renderDiagnosticsGithub([d], lang)).toContain(`title=${d.code}::`);
        expect(diagnosticJson(d, lang)).toMatchObject({ code: d.code, message: f[lang]![0] });
      }
    }
  });

  it('every example playbook formats in both languages', () => {
    for (const folder of ['invalid', 'lessons']) {
      for (const name of readdirSync(join(ROOT, 'examples', folder)).filter((f) => f.endsWith('.yaml'))) {
        for (const d of planFile(`examples/${folder}/${name}`, { cwd: ROOT }).diagnostics) expect(() => formatted(d), name).not.toThrow();
      }
    }
  });

  it("file errors (RB1001 aside, the error namespace's words): the runtime text in both languages, the English form on err.message", () => {
    const e = new FileError(msg('error.file.what.writeJournal'), '/state/j.jsonl', 'ENOSPC');
    expect(e.message).toBe('cannot write the journal /state/j.jsonl: no space left on the device (ENOSPC)');
    expect(e.textIn('zh-CN')).toBe('无法写入运行日志 /state/j.jsonl：设备上没有剩余空间（ENOSPC）');
    expect(new FileError(msg('error.file.what.write'), '/x', 'EWHAT').textIn('zh-CN')).toMatch(/ \/x：文件系统错误（EWHAT）$/);
  });
});

describe('the text form', () => {
  const d: Diagnostic = {
    code: 'RB4008',
    severity: 'error',
    message: { key: 'diag.checkin.here', params: { checkin: { key: 'diag.checkin.name', params: { id: 'a' } } } },
    location: { file: 'x.txt', line: 3, col: 5 },
    stepId: 'b',
    related: [{ location: { file: 'x.txt', line: 1, col: 1 }, message: { key: 'diag.common.firstUsedHere' } }],
  };

  it('keeps its shape in Chinese: location, code and step id as they are, the words translated', () => {
    expect(renderDiagnosticsText([d], { color: false, cwd: dir, lang: 'en' })).toBe(
      'x.txt:3:5: error RB4008 check-in `a` is here [step b]\n  x.txt:1:1: note: first used here\n',
    );
    expect(renderDiagnosticsText([d], { color: false, cwd: dir, lang: 'zh-CN' })).toBe(
      'x.txt:3:5: 错误 RB4008 签到 `a` 在这里 [步骤 b]\n  x.txt:1:1: 注：首次使用于此\n',
    );
    expect(renderDiagnosticsText([{ ...d, severity: 'warning' }], { color: false, cwd: dir, lang: 'zh-CN' })).toMatch(/^x\.txt:3:5: 警告 RB4008 /);
  });

  it('puts the caret under the column as a terminal shows it (a Chinese character is two columns wide)', () => {
    const f = file('wide.yaml', 'text: "今天是 {{x}}"\n');
    const out = renderDiagnosticsText([{ ...d, location: { file: f, line: 1, col: 12 }, related: [] }], { color: false, cwd: dir, lang: 'zh-CN' });
    const [, source, caret] = out.split('\n');
    expect(source).toBe('1 | text: "今天是 {{x}}"');
    // `text: "` is 7 columns, 今天是 six more, then a space: the `{{` is at column 15 on screen.
    expect(caret).toBe(`  | ${' '.repeat(14)}^`);
  });

  it('github annotations: the message follows the language, the command and the code do not', () => {
    expect(renderDiagnosticsGithub([d], 'zh-CN')).toBe('::error file=x.txt,line=3,col=5,title=RB4008::签到 `a` 在这里 [步骤 b]\n');
    expect(renderDiagnosticsGithub([d], 'en')).toBe('::error file=x.txt,line=3,col=5,title=RB4008::check-in `a` is here [step b]\n');
  });
});

describe('schema errors: each ajv keyword the schema uses is one message of ours, in both languages', () => {
  const schema = (name: string, text: string): { en: string[]; zh: string[] } => {
    const diags = planFile(file(name, text), { cwd: dir }).diagnostics.filter((d) => d.code === 'RB2001');
    return { en: diags.map((d) => formatMessage(d.message, 'en')), zh: diags.map((d) => formatMessage(d.message, 'zh-CN')) };
  };
  it.each([
    ['required', step('{ id: s, kind: message, text: hi }'), 'message step is missing `at`', 'message 步骤缺少 `at`'],
    [
      'enum',
      step('{ id: s, kind: message, at: start, text: hi, audience: everyone }'),
      'message step field `audience` must be one of "all", "viewers", "special"',
      'message 步骤的字段 `audience`必须是 "all", "viewers", "special" 之一',
    ],
    ['type', step('{ id: s, kind: message, at: start, text: [hi] }'), 'message step field `text` must be a string', 'message 步骤的字段 `text`必须是字符串'],
    [
      'type (either of two)',
      step('{ id: s, kind: checkin, at: start, duration: [1] }'),
      'checkin step field `duration` must be a string or an integer',
      'checkin 步骤的字段 `duration`必须是字符串或整数',
    ],
    [
      'pattern',
      step('{ id: s, kind: checkin, at: start, duration: soon }'),
      'checkin step field `duration` has an invalid value "soon"',
      'checkin 步骤的字段 `duration`的值 "soon" 无效',
    ],
    ['minLength', EVENT.replace('name: E', 'name: ""') + 'steps: []\n', '`event.name` must not be empty', '`event.name`不能为空'],
    [
      'minimum',
      step('{ id: s, kind: message, at: start, text: hi, policy: { graceSeconds: -1 } }'),
      'message step field `policy.graceSeconds` must be at least 0',
      'message 步骤的字段 `policy.graceSeconds`不能小于 0',
    ],
    [
      'maximum',
      step('{ id: s, kind: historyExport, at: end, pageSize: 5000 }'),
      'historyExport step field `pageSize` must be at most 1000',
      'historyExport 步骤的字段 `pageSize`不能大于 1000',
    ],
    [
      'minItems',
      step('{ id: s, kind: message, at: start, text: hi, channels: [] }'),
      'message step field `channels` must list at least 1 item',
      'message 步骤的字段 `channels`至少要列出 1 项',
    ],
    [
      'uniqueItems',
      step('{ id: s, kind: message, at: start, text: hi, channels: [main, main] }'),
      'message step field `channels` lists the same value twice (items 1 and 2)',
      'message 步骤的字段 `channels`中有重复的值（第 1 项和第 2 项）',
    ],
    [
      'propertyNames',
      `${EVENT}vars: { "1st": x }\nsteps: []\n`,
      '"1st" is not a valid name in `vars`: a name starts with a letter or _, then letters, digits, _ or - (at most 64 characters)',
      '"1st" 不是`vars`中有效的名称：名称以字母或 _ 开头，后面是字母、数字、_ 或 -（最多 64 个字符）',
    ],
    [
      'additionalProperties, with a suggestion',
      `${EVENT}stpes: []\n`,
      'unknown key `stpes` in the playbook (did you mean `steps`?)',
      '剧本中有未知的键 `stpes`（是不是想写 `steps`？）',
    ],
    [
      'unevaluatedProperties, no suggestion',
      step('{ id: s, kind: message, at: start, text: hi, zzzzzz: 1 }'),
      'unknown key `zzzzzz` in message step',
      'message 步骤中有未知的键 `zzzzzz`',
    ],
    [
      'discriminator, no kind',
      `${EVENT}steps:\n  - { id: s, at: start }\n`,
      'a step needs a `kind`: one of message, checkin, chatExport, historyExport, reportExport',
      '步骤需要 `kind`：message, checkin, chatExport, historyExport, reportExport 之一',
    ],
  ])('%s', (_keyword, text, english, chinese) => {
    const r = schema(`schema-${_keyword.replace(/\W+/g, '-')}.yaml`, text);
    expect(r.en).toContain(english);
    expect(r.zh).toContain(chinese);
  });
});

describe('Chinese text at the length limit', () => {
  const at = (n: number): readonly Diagnostic[] =>
    planFile(file(`len-${n}.yaml`, step(`{ id: essay, kind: message, at: start, text: "${'长'.repeat(n)}" }`)), { cwd: dir }).diagnostics;
  it('375 Chinese characters (1125 bytes, exactly 1500 after base64) are allowed; 376 are not, said in both languages', () => {
    expect(at(375)).toEqual([]);
    const d = at(376);
    expect(d).toMatchObject([{ code: 'RB4012', stepId: 'essay' }]);
    expect(formatMessage(d[0]!.message, 'en')).toBe(
      'text is 1504 characters after URL-safe base64 encoding; the platform allows 1500 (about 1125 bytes of UTF-8, ~375 Chinese characters)',
    );
    expect(formatMessage(d[0]!.message, 'zh-CN')).toBe(
      '文本经 URL 安全的 base64 编码后有 1504 个字符；平台最多允许 1500 个（约 1125 字节 UTF-8，约 375 个汉字）',
    );
  });
});
