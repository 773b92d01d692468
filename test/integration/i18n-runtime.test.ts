import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { formatMessage, type Msg } from '../../src/i18n/index.js';
import type { JournalRecord } from '../../src/journal/records.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { loadCredentials } from '../../src/transport/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';

const open: Sandbox[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

/**
 * Channel b is not the account's (the sandbox knows 1000001 only): the platform refuses the message
 * and the check-in on it with code 1097 and its own Chinese message, `非法的频道ID`.
 */
const LESSON = `event: { name: I18n lesson, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }
channels: { a: "1000001", b: "1000002" }
steps:
  - { id: hello, kind: message, at: "+0s", channels: a, text: 你好 }
  - { id: refused, kind: message, at: "+0s", channels: b, text: 大家好 }
  - { id: roll-call, kind: checkin, at: "+20s", duration: 20s, channels: b, prompt: 签到 }
`;

type Outcome = Extract<JournalRecord, { t: 'outcome' }>;

function journalOf(stateDir: string): JournalRecord[] {
  const [name] = readdirSync(stateDir).filter((n) => n.endsWith('.jsonl'));
  return readFileSync(join(stateDir, name!), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalRecord);
}

/**
 * A journal without what differs between any two runs: times (and lateness, a time), the process id,
 * and the platform's request ids (each answer has its own). Sorted: answers on two channels race.
 */
function timeless(records: readonly JournalRecord[]): string[] {
  const drop = new Set(['at', 'latenessMs', 'pid', 'requestId']);
  return records.map((r) => JSON.stringify(r, (k, v: unknown) => (drop.has(k) ? undefined : v)).replace(/requestId [0-9a-f]+/g, 'requestId …')).sort();
}

describe('run-time messages in zh-CN and en (issue 18)', () => {
  it('a refusal by the platform names the step, the endpoint, its code and its own message in both languages; the journal is the same whatever the language', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rb-i18n-rt-'));
    const file = join(root, 'lesson.yaml');
    writeFileSync(file, LESSON);
    // One run in English, one under a Chinese locale, at the same time against twin sandboxes. Their
    // state folders sit side by side, so both runs have the same run id.
    const start = new Date(Date.now() + 12_000).toISOString();
    const runs = await Promise.all(
      (['en', 'zh'] as const).map(async (lang) => {
        const sb = await startSandbox({ channels: ['1000001'] });
        open.push(sb);
        const stateDir = join(root, lang, '.runbook');
        mkdirSync(stateDir, { recursive: true });
        const r = await runCli(['run', file, '--endpoint', sb.url, '--start', start, '--state-dir', stateDir, '--json'], {
          env: demoEnv(lang === 'zh' ? { LANG: 'zh_CN.UTF-8' } : {}),
        });
        return { r, stateDir };
      }),
    );
    for (const { r } of runs) expect(r.code, r.stderr).toBe(3);
    const [en, zh] = runs.map(({ stateDir }) => journalOf(stateDir));
    expect(timeless(zh!)).toEqual(timeless(en!));

    const outcomes = en!.filter((r): r is Outcome => r.t === 'outcome');
    const refused = outcomes.find((o) => o.unit === 'refused')!;
    expect(refused).toMatchObject({ result: 'failed', code: 1097 });
    const text = refused.text as Msg;
    // The English form is the journal's message, as before.
    expect(formatMessage(text, 'en')).toBe(refused.message);
    expect(refused.message).toMatch(/^step refused: sendCustomMessage failed: HTTP 400, code 1097: 非法的频道ID \(requestId [0-9a-f]+\)$/);
    expect(formatMessage(text, 'zh-CN')).toMatch(/^步骤 refused：sendCustomMessage 调用失败：HTTP 400，平台错误码 1097：非法的频道ID（requestId [0-9a-f]+）$/);

    // The check-in's registration: the batch names what was not registered; the check-in says why.
    const batch = outcomes.find((o) => o.unit.startsWith('checkin-batch'))!;
    expect(batch).toMatchObject({ result: 'failed', code: 1097 });
    expect(formatMessage(batch.text!, 'en')).toBe('1 of 1 check-in(s) not registered: roll-call');
    expect(formatMessage(batch.text!, 'zh-CN')).toBe('1 个签到中有 1 个未登记：roll-call');
    const summary = JSON.parse(runs[1]!.r.stdout.trim().split('\n').pop()!) as { actions: { id: string; message?: string; text?: Msg }[] };
    const rollCall = summary.actions.find((a) => a.id === 'roll-call')!;
    expect(rollCall.message).toMatch(/^step checkin-batch-1: batchCheckin failed: HTTP 400, code 1097: 非法的频道ID \(requestId [0-9a-f]+\)$/);
    expect(formatMessage(rollCall.text!, 'zh-CN')).toMatch(
      /^步骤 checkin-batch-1：batchCheckin 调用失败：HTTP 400，平台错误码 1097：非法的频道ID（requestId [0-9a-f]+）$/,
    );
    expect(formatMessage(rollCall.text!, 'en')).toBe(rollCall.message);
    // What was sent says nothing.
    expect(summary.actions.find((a) => a.id === 'hello')).not.toHaveProperty('text');
  }, 60_000);

  it('a credentials error reads in both languages, naming the file and what to set', () => {
    const home = mkdtempSync(join(tmpdir(), 'rb-i18n-home-'));
    let err: unknown;
    try {
      loadCredentials({ env: { POLYV_APP_ID: 'x' }, homeDir: home });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    const path = join(home, '.config', 'runbook', 'credentials.yaml');
    expect(e.message).toBe(
      `no Polyv credentials: set POLYV_APP_SECRET, POLYV_USER_ID in the environment, or write a credentials file at ${path} (chmod 600) with a "default" profile (appId, appSecret, userId). For a rehearsal, use --sandbox.`,
    );
    expect(e.textIn('zh-CN')).toBe(
      `没有保利威凭据：请在环境变量中设置 POLYV_APP_SECRET, POLYV_USER_ID，或在 ${path} 写一个凭据文件（chmod 600），其中有名为 "default" 的 profile（appId、appSecret、userId）。要在沙箱中彩排，请用 --sandbox。`,
    );
  });

  it("the CLI prints a credentials error in the reader's language; the exit code is the same", async () => {
    const home = mkdtempSync(join(tmpdir(), 'rb-i18n-cli-'));
    const file = join(home, 'lesson.yaml');
    writeFileSync(file, LESSON);
    const args = ['run', file, '--endpoint', 'http://127.0.0.1:9', '--start', 'now+1m'];
    const [en, zh] = await Promise.all([runCli(args, { env: { HOME: home } }), runCli(args, { env: { HOME: home, LANG: 'zh_CN.UTF-8' } })]);
    expect([en.code, zh.code]).toEqual([5, 5]);
    expect(en.stderr).toContain('runbook: no Polyv credentials: set POLYV_APP_ID, POLYV_APP_SECRET, POLYV_USER_ID in the environment');
    expect(zh.stderr).toContain('runbook: 没有保利威凭据：请在环境变量中设置 POLYV_APP_ID, POLYV_APP_SECRET, POLYV_USER_ID，');
    expect(zh.stderr).toContain(join(home, '.config', 'runbook', 'credentials.yaml'));
  });
});
