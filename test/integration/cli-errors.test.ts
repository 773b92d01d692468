import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lessonRunId } from '../../src/api/lesson-id.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv, twoChannelLesson } from '../helpers/engine-lesson.js';
import { startHostileServer, v3, type HostileServer } from '../helpers/hostile-server.js';
import { mountTmpfs, sub, tmpfsUnavailable, type Tmpfs } from '../helpers/tmpfs.js';

/**
 * Ordinary problems of the machine and of the command line are user-facing errors with their own
 * message and exit code (2: usage or file error) — never exit 70, "internal error".
 */
const closers: Array<() => unknown> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function sandbox(): Promise<Sandbox> {
  const sb = await startSandbox({ channels: ['1000001', '1000002'] });
  closers.push(() => sb.close());
  return sb;
}

function tmpfs(kb: number): Tmpfs {
  const t = mountTmpfs(kb);
  closers.push(() => t.close());
  return t;
}

/** A server that counts create-task calls, answering each "done". */
async function taskServer(): Promise<HostileServer> {
  const s = await startHostileServer(() => v3({ status: 'done', url: 'http://127.0.0.1:1/x.xls' }));
  closers.push(() => s.close());
  return s;
}

const expectUserError = (r: { code: number | null; stderr: string }, message: RegExp): void => {
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
};

describe('command-line mistakes', () => {
  it.each(['not a url', 'ftp://example.com', 'http://user:pw@127.0.0.1:9'])('--endpoint %j is a usage error for run and export', async (endpoint) => {
    const { file } = twoChannelLesson();
    expectUserError(await runCli(['run', file, '--endpoint', endpoint, '--start', 'now+1h'], { env: demoEnv() }), /--endpoint/);
    expectUserError(
      await runCli(['export', 'chat', '--channel', '1000001', '--endpoint', endpoint, '--out', mkdtempSync(join(tmpdir(), 'rb-e-'))], { env: demoEnv() }),
      /--endpoint/,
    );
  });
});

describe('the state folder', () => {
  it('a lock path that is a folder: exit 2, naming it', async () => {
    const sb = await sandbox();
    const { file, dir } = twoChannelLesson();
    const start = new Date(Date.now() + 3_600_000).toISOString();
    const plan = await runCli(['plan', file, '--json', '--start', start]);
    // The journal and lock are the lesson's (its file and start), not the content's runId of plan --json.
    const runId = lessonRunId(file, join(dir, '.runbook'), Date.parse((JSON.parse(plan.stdout) as { event: { start: string } }).event.start));
    mkdirSync(join(dir, '.runbook', `${runId}.lock`), { recursive: true });
    expectUserError(
      await runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv() }),
      /cannot take the lock .*\.lock: something that is not a file is in its place/,
    );
  });

  it('a state folder that is a file: exit 2', async () => {
    const sb = await sandbox();
    const { file, dir } = twoChannelLesson();
    writeFileSync(join(dir, 'state'), 'not a folder');
    expectUserError(
      await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+1h', '--state-dir', join(dir, 'state')], { env: demoEnv() }),
      /cannot create the state folder .*state/,
    );
  });

  it.skipIf(tmpfsUnavailable !== undefined)('a read-only state folder (EROFS): exit 2, nothing sent', async () => {
    const sb = await sandbox();
    const disk = tmpfs(64);
    const state = sub(disk, 'state');
    disk.readOnly(true);
    const { file } = twoChannelLesson();
    expectUserError(await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+2s', '--state-dir', state], { env: demoEnv() }), /read-only \(EROFS\)/);
    expect(sb.log).toEqual([]);
  });
});

describe.skipIf(tmpfsUnavailable !== undefined)('the output folder (a small tmpfs)', () => {
  it('read-only (EROFS): exit 2, and the chat export task is never created', async () => {
    const server = await taskServer();
    const disk = tmpfs(64);
    const out = sub(disk, 'out');
    disk.readOnly(true);
    expectUserError(
      await runCli(['export', 'chat', '--channel', '1000001', '--endpoint', server.url, '--out', out], { env: demoEnv() }),
      /cannot write to the output folder .*: the file system is read-only \(EROFS\)/,
    );
    expect(server.requests).toEqual([]);
  });

  it('full (ENOSPC): exit 2 for the chat export before its task, and for the history mid-way', async () => {
    const server = await taskServer();
    const disk = tmpfs(64);
    const out = sub(disk, 'out');
    disk.fill();
    expectUserError(
      await runCli(['export', 'chat', '--channel', '1000001', '--endpoint', server.url, '--out', out], { env: demoEnv() }),
      /no space left on the device \(ENOSPC\)/,
    );
    expect(server.requests).toEqual([]);
    disk.unfill();
    // History: room for a little, then full while writing pages.
    const big = tmpfs(128);
    const sb = await startSandbox({ channels: ['1000001'], seedMessages: 3000, seedStartMs: 1_700_000_000_000, seedSpacingMs: 1 });
    closers.push(() => sb.close());
    const r = await runCli(
      ['export', 'history', '--channel', '1000001', '--from', '1700000000000', '--to', '1700000010000', '--endpoint', sb.url, '--out', sub(big, 'out')],
      { env: demoEnv() },
    );
    expectUserError(r, /cannot write the history export .*\.partial: no space left on the device \(ENOSPC\)/);
  });
});

describe('a credentials file that is a FIFO', () => {
  it('is refused at once (exit 5), not waited on', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'rb-fifo-')), 'credentials.yaml');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    const { file } = twoChannelLesson();
    const t0 = Date.now();
    const r = await runCli(['run', file, '--credentials', fifo, '--start', 'now+1h'], { timeoutMs: 20_000 });
    expect(r.stderr).toMatch(/not a regular file/);
    expect(r.code).toBe(5);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

/** `nobody`: permission errors need a user other than root. */
const NOBODY = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;
if (!asRoot) console.warn('skipping the EACCES tests: they run the CLI as nobody, which needs root');

describe.skipIf(!asRoot)('a folder runbook may not write (EACCES, as nobody)', () => {
  it('the output folder: exit 2, and the chat export task is never created', async () => {
    const server = await taskServer();
    const locked = mkdtempSync(join(tmpdir(), 'rb-eacces-')); // 0700, root's
    const r = await runCli(['export', 'chat', '--channel', '1000001', '--endpoint', server.url, '--out', join(locked, 'out')], {
      env: { ...demoEnv(), HOME: tmpdir() },
      user: NOBODY,
    });
    expectUserError(r, /cannot write to the output folder .*: permission denied \(EACCES\)/);
    expect(server.requests).toEqual([]);
  });

  it('the state folder: exit 2, nothing sent', async () => {
    const sb = await sandbox();
    const { file, dir } = twoChannelLesson();
    chmodSync(dir, 0o755); // the playbook is readable, its folder not writable by nobody
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+2s'], { env: { ...demoEnv(), HOME: tmpdir() }, user: NOBODY });
    expectUserError(r, /cannot create the state folder .*\.runbook: permission denied \(EACCES\)/);
    expect(sb.log).toEqual([]);
  });
});
