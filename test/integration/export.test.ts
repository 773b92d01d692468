import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { noCheckpoint, runChatExport, runHistoryExport, runReportExport, ReportNotReadyError, type CheckpointPort } from '../../src/export/index.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { Credentials, PolyvClient, RateLimiter } from '../../src/transport/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});
const fast = async (): Promise<void> => undefined;

async function setup(opts: SandboxOptions = {}): Promise<{ sb: Sandbox; c: PolyvClient; out: string }> {
  const sb = await startSandbox({ channels: ['1000001', '1000002'], ...opts });
  const c = new PolyvClient({
    credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test'),
    baseUrl: sb.url,
    limiter: new RateLimiter({ max: 100_000, windowMs: 1000 }),
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  open.push(sb, c);
  return { sb, c, out: mkdtempSync(join(tmpdir(), 'rb-export-')) };
}

function memoryCheckpoint<T>(): CheckpointPort<T> & { saved: T[] } {
  const saved: T[] = [];
  return { saved, load: () => saved[saved.length - 1], save: async (d) => void saved.push(d) };
}

describe('history export', () => {
  it('reads every page of one channel, once, and stops at the empty page', async () => {
    const { sb, c, out } = await setup({ seedMessages: 2500, seedStartMs: 1_700_000_000_000, seedSpacingMs: 10 });
    const done = await runHistoryExport(c, { channelId: '1000002', format: 'jsonl', pageSize: 400, outDir: out, date: '20261201' }, noCheckpoint());
    const lines = readFileSync(done.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; roomId: string; user: { nick: string } });
    expect(lines).toHaveLength(1250);
    expect(new Set(lines.map((l) => l.id)).size).toBe(1250);
    expect(lines.every((l) => l.roomId === '1000002' && typeof l.user.nick === 'string')).toBe(true);
    expect(sb.log.filter((e) => e.endpoint === 'getSpeakList').length).toBe(8); // 7 pages + the empty one
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('writes an empty file for an empty window', async () => {
    const { c, out } = await setup({ seedMessages: 100, seedStartMs: 1_700_000_000_000 });
    const done = await runHistoryExport(c, { channelId: '1000001', from: 1_600_000_000_000, to: 1_600_000_100_000, format: 'csv', outDir: out, date: '20261201' }, noCheckpoint());
    expect(done.records).toBe(0);
    expect(readFileSync(done.file, 'utf8').split('\r\n')[0]).toContain('id,time,timeIso');
  });

  it('quotes CSV fields with commas, quotes, newlines and Chinese', async () => {
    const { sb, c, out } = await setup();
    await c.sendCustomMessage({ channelId: '1000001', content: '第一行,"引号"\n第二行' });
    const done = await runHistoryExport(c, { channelId: '1000001', from: Date.now() - 60_000, to: Date.now() + 60_000, format: 'csv', outDir: out, date: 'x' }, noCheckpoint());
    expect(readFileSync(done.file, 'utf8')).toContain('"第一行,""引号""\n第二行"');
    expect(sb.platform.messages).toHaveLength(1);
  });

  it.each(['jsonl', 'csv'] as const)('writes the same %s bytes whether pages pass through as bytes or are decoded (\\u-escaped answers)', async (format) => {
    const seed = { seedMessages: 1200, seedStartMs: 1_700_000_000_000, seedSpacingMs: 10 };
    const outputs: Buffer[] = [];
    const decoded: string[] = [];
    for (const asciiJson of [false, true]) {
      const { c, out } = await setup({ ...seed, asciiJson });
      const page = await c.getSpeakListBytes({ userId: c.userId, size: 1 });
      decoded.push(page.textAs);
      const done = await runHistoryExport(c, { channelId: '1000001', from: seed.seedStartMs, to: seed.seedStartMs + 12_000, format, pageSize: 250, outDir: out, date: 'x' }, noCheckpoint());
      outputs.push(readFileSync(done.file));
    }
    expect(decoded).toEqual(['bytes', 'utf8']); // raw UTF-8 passes through; an escaped answer is decoded
    expect(outputs[0]!.toString('utf8')).toContain('这节课讲得真好');
    expect(outputs[0]!.equals(outputs[1]!)).toBe(true);
  });

  it('passes any text through exactly: CJK, a 4-byte emoji, quotes, a backslash, a newline, a comma', async () => {
    const content = '签到开始 🎉 "引号" \\ 换行\n\t,逗号 é';
    for (const asciiJson of [false, true]) {
      const { c, out } = await setup({ asciiJson });
      await c.sendCustomMessage({ channelId: '1000001', content });
      const done = await runHistoryExport(c, { channelId: '1000001', from: Date.now() - 60_000, to: Date.now() + 60_000, format: 'jsonl', outDir: out, date: 'x' }, noCheckpoint());
      const line = readFileSync(done.file, 'utf8').trim();
      expect((JSON.parse(line) as { content: string }).content).toBe(content);
    }
  });

  it('resumes after the process is killed mid-export: no record lost or doubled', async () => {
    const sb = await startSandbox({ channels: ['1000001'], seedMessages: 3000, seedStartMs: 1_700_000_000_000, seedSpacingMs: 1 });
    open.push(sb);
    const out = mkdtempSync(join(tmpdir(), 'rb-resume-'));
    const args = ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', sb.url, '--out', out];
    const killed = await runCli(args, { env: demoEnv({ RUNBOOK_TEST_CRASH_AFTER_PAGES: '2' }) });
    expect(killed.signal).toBe('SIGKILL');
    expect(readdirSync(out).some((f) => f.endsWith('.partial'))).toBe(true);
    const resumed = await runCli(args, { env: demoEnv() });
    expect(resumed.code).toBe(0);
    const file = join(out, readdirSync(out).find((f) => f.endsWith('.jsonl'))!);
    const ids = readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    const expected = Array.from({ length: 3000 }, (_, i) => sb.speak.at(i).id);
    expect(ids).toEqual(expected);
    // The resume asked for the pages after the checkpoint, not from the start.
    const firstCalls = sb.log.filter((e) => e.endpoint === 'getSpeakList' && e.params?.['cursor'] === undefined);
    expect(firstCalls).toHaveLength(1);
  });
});

describe('chat export', () => {
  it('polls the task from todo through doing to done and downloads it under a name runbook chooses', async () => {
    const { sb, c, out } = await setup({ exportSteps: 3 });
    await c.sendCustomMessage({ channelId: '1000001', content: 'in the export' });
    const cp = memoryCheckpoint<{ file: string; bytes: number }>();
    const done = await runChatExport(c, { channelId: '1000001', outDir: out, date: '20261201', sleep: fast }, cp);
    expect(sb.log.filter((e) => e.endpoint === 'createChatExportTask').map((e) => e.params?.['status'])).toEqual(['todo', 'doing', 'doing', 'done']);
    expect(done.file).toBe(join(out, '1000001_20261201_chat-export.xls'));
    expect(readFileSync(done.file, 'utf8')).toContain('in the export');
    // Journaled: a resumed run does not redo it.
    const again = await runChatExport(c, { channelId: '1000001', outDir: out, date: '20261201', sleep: fast }, cp);
    expect(again).toEqual(done);
    expect(sb.log.filter((e) => e.endpoint === 'createChatExportTask')).toHaveLength(4);
  });

  it('cannot be made to write outside the output folder by a ../ URL', async () => {
    const { c, out } = await setup({ exportSteps: 0, hostileExportUrl: true });
    const done = await runChatExport(c, { channelId: '1000001', outDir: out, date: '20261201', sleep: fast }, noCheckpoint());
    expect(done.file.startsWith(out)).toBe(true);
    expect(readdirSync(join(out, '..')).filter((f) => f === 'escape')).toEqual([]);
  });

  it('leaves no partial file when the download breaks midway', async () => {
    const { sb, c, out } = await setup({ exportSteps: 0, faults: 'break-download=1' });
    const err = await runChatExport(c, { channelId: '1000001', outDir: out, date: '20261201', sleep: fast }, noCheckpoint()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(readdirSync(out)).toEqual([]);
    expect(sb.log.filter((e) => e.fault === 'breakDownload').length).toBeGreaterThan(0);
  });
});

describe('session report', () => {
  it('retries "not ready" N times, then downloads the xlsx', async () => {
    const { sb, c, out } = await setup({ reportNotReadyCalls: 4 });
    const done = await runReportExport(c, { channelId: '1000001', sessionId: 'abc', outDir: out, date: '20261201', deadline: Date.now() + 60_000, sleep: fast }, noCheckpoint());
    expect(sb.log.filter((e) => e.endpoint === 'exportSessionStats').length).toBe(5);
    expect(readFileSync(done.file).subarray(0, 2).toString()).toBe('PK');
  });

  it('gives up at the deadline with an error naming channel and session', async () => {
    const { c, out } = await setup({ reportNotReadyCalls: 1000 });
    const err = await runReportExport(c, { channelId: '1000001', sessionId: 'abc', outDir: out, date: 'x', deadline: Date.now() + 50, retryBaseMs: 20, retryMaxMs: 20 }, noCheckpoint()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportNotReadyError);
    expect(err).toMatchObject({ channelId: '1000001', sessionId: 'abc', code: 'E_REPORT_NOT_READY' });
  });
});
