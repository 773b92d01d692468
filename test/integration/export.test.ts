import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HistoryPagingError,
  noCheckpoint,
  runChatExport,
  runHistoryExport,
  runReportExport,
  ReportNotReadyError,
  type CheckpointPort,
  type HistoryCheckpoint,
} from '../../src/export/index.js';
import { startSandbox, DEMO_CREDENTIALS, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { Credentials, PolyvClient, RateLimiter } from '../../src/transport/index.js';
import { runCli, runCliWithHooks } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';
import { SPEAK_LIST, speakRecord, startHostileServer, v3, v4 } from '../helpers/hostile-server.js';

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
    const lines = readFileSync(done.file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; roomId: string; user: { nick: string } });
    expect(lines).toHaveLength(1250);
    expect(new Set(lines.map((l) => l.id)).size).toBe(1250);
    expect(lines.every((l) => l.roomId === '1000002' && typeof l.user.nick === 'string')).toBe(true);
    expect(sb.log.filter((e) => e.endpoint === 'getSpeakList').length).toBe(8); // 7 pages + the empty one
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('writes an empty file for an empty window', async () => {
    const { c, out } = await setup({ seedMessages: 100, seedStartMs: 1_700_000_000_000 });
    const done = await runHistoryExport(
      c,
      { channelId: '1000001', from: 1_600_000_000_000, to: 1_600_000_100_000, format: 'csv', outDir: out, date: '20261201' },
      noCheckpoint(),
    );
    expect(done.records).toBe(0);
    expect(readFileSync(done.file, 'utf8').split('\r\n')[0]).toContain('id,time,timeIso');
  });

  it('quotes CSV fields with commas, quotes, newlines and Chinese', async () => {
    const { sb, c, out } = await setup();
    await c.sendCustomMessage({ channelId: '1000001', content: '第一行,"引号"\n第二行' });
    const done = await runHistoryExport(
      c,
      { channelId: '1000001', from: Date.now() - 60_000, to: Date.now() + 60_000, format: 'csv', outDir: out, date: 'x' },
      noCheckpoint(),
    );
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
      const done = await runHistoryExport(
        c,
        { channelId: '1000001', from: seed.seedStartMs, to: seed.seedStartMs + 12_000, format, pageSize: 250, outDir: out, date: 'x' },
        noCheckpoint(),
      );
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
      const done = await runHistoryExport(
        c,
        { channelId: '1000001', from: Date.now() - 60_000, to: Date.now() + 60_000, format: 'jsonl', outDir: out, date: 'x' },
        noCheckpoint(),
      );
      const line = readFileSync(done.file, 'utf8').trim();
      expect((JSON.parse(line) as { content: string }).content).toBe(content);
    }
  });

  it('resumes after the process is killed mid-export: no record lost or doubled', async () => {
    const sb = await startSandbox({ channels: ['1000001'], seedMessages: 3000, seedStartMs: 1_700_000_000_000, seedSpacingMs: 1 });
    open.push(sb);
    const out = mkdtempSync(join(tmpdir(), 'rb-resume-'));
    const args = ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', sb.url, '--out', out];
    // The product CLI has no crash hook: the same variable changes nothing there.
    const product = await runCli([...args.slice(0, -1), mkdtempSync(join(tmpdir(), 'rb-nohook-'))], { env: demoEnv({ RUNBOOK_TEST_CRASH_AFTER_PAGES: '2' }) });
    expect(product.code).toBe(0);
    const logFrom = sb.log.length;
    const killed = await runCliWithHooks(args, { env: demoEnv({ RUNBOOK_TEST_CRASH_AFTER_PAGES: '2' }) });
    expect(killed.signal).toBe('SIGKILL');
    expect(readdirSync(out).some((f) => f.endsWith('.partial'))).toBe(true);
    const resumed = await runCli(args, { env: demoEnv() });
    expect(resumed.code).toBe(0);
    const file = join(
      out,
      readdirSync(out).find((f) => f.endsWith('.jsonl'))!,
    );
    const ids = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    const expected = Array.from({ length: 3000 }, (_, i) => sb.speak.at(i).id);
    expect(ids).toEqual(expected);
    // The resume asked for the pages after the checkpoint, not from the start.
    const firstCalls = sb.log.slice(logFrom).filter((e) => e.endpoint === 'getSpeakList' && e.params?.['cursor'] === undefined);
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
    const done = await runReportExport(
      c,
      { channelId: '1000001', sessionId: 'abc', outDir: out, date: '20261201', deadline: Date.now() + 60_000, sleep: fast },
      noCheckpoint(),
    );
    expect(sb.log.filter((e) => e.endpoint === 'exportSessionStats').length).toBe(5);
    expect(readFileSync(done.file).subarray(0, 2).toString()).toBe('PK');
  });

  it('gives up at the deadline with an error naming channel and session', async () => {
    const { c, out } = await setup({ reportNotReadyCalls: 1000 });
    const err = await runReportExport(
      c,
      { channelId: '1000001', sessionId: 'abc', outDir: out, date: 'x', deadline: Date.now() + 50, retryBaseMs: 20, retryMaxMs: 20 },
      noCheckpoint(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportNotReadyError);
    expect(err).toMatchObject({ channelId: '1000001', sessionId: 'abc', code: 'E_REPORT_NOT_READY' });
  });
});

describe('export interrupted', () => {
  it.each(['SIGTERM', 'SIGHUP'] as const)('%s: exits 130 and says how to resume; the partial file is kept', async (sig) => {
    let page = 0;
    const hostile = await startHostileServer(async (req) => {
      if (req.path !== SPEAK_LIST) return v4();
      await new Promise((r) => setTimeout(r, 50));
      page += 1;
      return v3({ size: 10, cursor: `c${page}`, list: Array.from({ length: 10 }, (_, i) => speakRecord(`${page}-${i}`, '1000001', 1_700_000_000_000 + page)) });
    });
    open.push(hostile);
    const out = mkdtempSync(join(tmpdir(), 'rb-int-'));
    const child = runCli(
      ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', hostile.url, '--out', out],
      { env: demoEnv() },
    );
    while (page < 3) await new Promise((r) => setTimeout(r, 20));
    child.child.kill(sig);
    const r = await child;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('To resume, run the same command again');
    expect(readdirSync(out).some((f) => f.endsWith('.partial'))).toBe(true);
  });
});

/** A client of a hostile server (no signature checks there; the client signs as always). */
function hostileClient(url: string): PolyvClient {
  const c = new PolyvClient({
    credentials: new Credentials(DEMO_CREDENTIALS.appId, DEMO_CREDENTIALS.appSecret, DEMO_CREDENTIALS.userId, 'test'),
    baseUrl: url,
    limiter: new RateLimiter({ max: 100_000, windowMs: 1000 }),
    retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
  });
  open.push(c);
  return c;
}

const page = (cursor: string | undefined, ids: readonly string[], room = '1000001'): ReturnType<typeof v3> =>
  v3({ size: ids.length, ...(cursor !== undefined ? { cursor } : {}), list: ids.map((id) => speakRecord(id, room, 1_700_000_000_000)) });

describe('history pages that make no progress', () => {
  const cases: [string, (cursor: string | undefined) => ReturnType<typeof v3>, RegExp][] = [
    // The same page and cursor, again and again.
    ['a repeated cursor', () => page('c1', ['a', 'b']), /answered the page at cursor "c1" with the same cursor again/],
    // A → B → A → …
    ['a cycle', (c) => (c === 'B' ? page('A', ['b1', 'b2']) : page('B', ['a1', 'a2'])), /pointed back to cursor "B", a page already read/],
    // Records, but no cursor to the next page.
    ['a missing cursor', () => page(undefined, ['x']), /a page of records with no cursor to the next page \(the first page\)/],
    // New cursors, but the same records each time.
    [
      'no new record',
      (c) => page(`n${Number((c ?? 'n0').slice(1)) + 1}`, ['same1', 'same2']),
      /the pages up to cursor "n2" brought no record that was not already written, twice in a row/,
    ],
  ];
  it.each(cases)('%s: stops with an error naming the cursor, writes nothing twice, keeps the partial file', async (_name, answer, message) => {
    const hostile = await startHostileServer((req) => (req.path === SPEAK_LIST ? answer(req.query['cursor']) : v4()));
    open.push(hostile);
    const out = mkdtempSync(join(tmpdir(), 'rb-loop-'));
    const cp = memoryCheckpoint<HistoryCheckpoint>();
    const err = await runHistoryExport(
      hostileClient(hostile.url),
      { channelId: '1000001', format: 'jsonl', outDir: out, date: 'x', checkpointEveryMs: 0 },
      cp,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HistoryPagingError);
    expect((err as Error).message).toMatch(message);
    expect(hostile.requests.length).toBeLessThan(5);
    const partial = readdirSync(out).find((f) => f.endsWith('.partial'))!;
    const ids = readFileSync(join(out, partial), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    // What was written is checkpointed: a resume starts from it (and stops again, bounded).
    expect(cp.saved.at(-1)?.bytes).toBe(readFileSync(join(out, partial)).length);
  });

  it('the CLI: exit 3, the cursor named, the partial file kept; run again, it stops again without growing the file', async () => {
    const hostile = await startHostileServer((req) => (req.path === SPEAK_LIST ? page('loop', ['r1', 'r2']) : v4()));
    open.push(hostile);
    const out = mkdtempSync(join(tmpdir(), 'rb-loop-cli-'));
    const args = ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', hostile.url, '--out', out];
    const first = await runCli(args, { env: demoEnv(), timeoutMs: 20_000 });
    expect(first.code).toBe(3);
    expect(first.stderr).toMatch(/cursor "loop"/);
    const partial = join(
      out,
      readdirSync(out).find((f) => f.endsWith('.partial'))!,
    );
    const size = readFileSync(partial).length;
    expect(size).toBeGreaterThan(0);
    const second = await runCli(args, { env: demoEnv(), timeoutMs: 20_000 });
    expect(second.code).toBe(3);
    expect(readFileSync(partial).length).toBe(size);
  });
});

describe('history answers that lie', () => {
  it.each([
    ['data: null', { code: 200, status: 'success', message: '', data: null }, /not a page of records \(data is null\)/],
    [
      'a list that is not an array',
      { code: 200, status: 'success', message: '', data: { cursor: 'x', list: 'nothing' } },
      /not a page of records \(data.list is string\)/,
    ],
    ['no list at all', { code: 200, status: 'success', message: '', data: { cursor: 'x' } }, /data.list is missing/],
  ])('%s is a protocol error (exit 3), not "no records"', async (_name, body, message) => {
    const hostile = await startHostileServer((req) => (req.path === SPEAK_LIST ? { body } : v4()));
    open.push(hostile);
    const out = mkdtempSync(join(tmpdir(), 'rb-lie-'));
    const r = await runCli(
      ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', hostile.url, '--out', out],
      { env: demoEnv(), timeoutMs: 20_000 },
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(out).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it.each(['jsonl', 'csv'] as const)('malformed records (%s) are written as they came, counted and reported; the export completes', async (format) => {
    const good = speakRecord('g1', '1000001', 1_700_000_000_000);
    const entries = [
      good,
      null,
      { ...speakRecord('t1', '1000001', 0), time: undefined },
      { ...speakRecord('i1', '1000001', 1_700_000_000_001), id: undefined },
      { ...speakRecord('u1', '1000001', 1_700_000_000_002), user: '{not json' },
      { ...speakRecord('r1', '1000001', 1_700_000_000_003), roomId: undefined },
      speakRecord('g2', '1000001', 1_700_000_000_004),
    ];
    let served = false;
    const hostile = await startHostileServer((req) => {
      if (req.path !== SPEAK_LIST) return v4();
      if (served) return v3({ size: 0, cursor: 'end', list: [] });
      served = true;
      return v3({ size: entries.length, cursor: 'c1', list: entries });
    });
    open.push(hostile);
    const out = mkdtempSync(join(tmpdir(), 'rb-malformed-'));
    const r = await runCli(
      [
        'export',
        'history',
        '--channel',
        '1000001',
        '--from',
        '1700000000000',
        '--to',
        '1700000010000',
        '--format',
        format,
        '--endpoint',
        hostile.url,
        '--out',
        out,
      ],
      { env: demoEnv(), timeoutMs: 20_000 },
    );
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/6 records/);
    expect(r.stdout).toMatch(/4 malformed records written as they came \(first: page 1, entry 3 \(id t1\): no time\)/);
    expect(r.stdout).toMatch(/1 entry that is not a record skipped/);
    const text = readFileSync(
      join(
        out,
        readdirSync(out).find((f) => f.endsWith(`.${format}`))!,
      ),
      'utf8',
    );
    if (format === 'jsonl') {
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l['id'])).toEqual(['g1', 't1', undefined, 'u1', 'r1', 'g2']);
      expect(lines[3]!['user']).toBe('{not json');
    } else {
      expect(text.trim().split('\r\n')).toHaveLength(7); // header + 6
    }
  });
});

describe('links planted in the output folder', () => {
  it('a fresh export replaces a planted .partial link (and an old-style checkpoint .tmp link) without writing through it', async () => {
    const sb = await startSandbox({ channels: ['1000001'], seedMessages: 500, seedStartMs: 1_700_000_000_000, seedSpacingMs: 1 });
    open.push(sb);
    const out = mkdtempSync(join(tmpdir(), 'rb-links-'));
    const precious = join(mkdtempSync(join(tmpdir(), 'rb-precious-')), 'precious.txt');
    writeFileSync(precious, 'do not touch');
    symlinkSync(precious, join(out, '1000001_20231114_history.jsonl.partial'));
    symlinkSync(precious, join(out, '.runbook-export-history-1000001.json.tmp'));
    const r = await runCli(
      ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', sb.url, '--out', out],
      { env: demoEnv() },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(precious, 'utf8')).toBe('do not touch');
    expect(readFileSync(join(out, '1000001_20231114_history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(500);
  });

  it('a resumed export refuses a .partial that became a link (exit 2), writing nothing through it', async () => {
    const sb = await startSandbox({ channels: ['1000001'], seedMessages: 3000, seedStartMs: 1_700_000_000_000, seedSpacingMs: 1 });
    open.push(sb);
    const out = mkdtempSync(join(tmpdir(), 'rb-links2-'));
    const args = ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', sb.url, '--out', out];
    const killed = await runCliWithHooks(args, { env: demoEnv({ RUNBOOK_TEST_CRASH_AFTER_PAGES: '1' }) });
    expect(killed.signal).toBe('SIGKILL');
    const partial = join(
      out,
      readdirSync(out).find((f) => f.endsWith('.partial'))!,
    );
    const precious = join(mkdtempSync(join(tmpdir(), 'rb-precious-')), 'precious.txt');
    writeFileSync(precious, 'do not touch');
    rmSync(partial);
    symlinkSync(precious, partial);
    const r = await runCli(args, { env: demoEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/symbolic link \(refused\)/);
    expect(readFileSync(precious, 'utf8')).toBe('do not touch');
  });
});

describe('export history without --from', () => {
  it('says its window in the first line of output', async () => {
    const sb = await startSandbox({ channels: ['1000001'], seedMessages: 10 });
    open.push(sb);
    const t0 = Date.now();
    const r = await runCli(['export', 'history', '--channel', '1000001', '--endpoint', sb.url, '--out', mkdtempSync(join(tmpdir(), 'rb-window-'))], {
      env: demoEnv(),
    });
    expect(r.code).toBe(0);
    const first = r.stdout.split('\n')[0]!;
    const m = /^history of channel 1000001 from (\S+) to (\S+) \(the last 24 hours: --from not given\)$/.exec(first);
    expect(m, first).not.toBeNull();
    const to = Date.parse(m![2]!);
    expect(to).toBeGreaterThanOrEqual(t0 - 1000);
    expect(to - Date.parse(m![1]!)).toBe(24 * 3_600_000);
  });
});
