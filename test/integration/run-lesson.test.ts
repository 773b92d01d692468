import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lessonRunId } from '../../src/api/lesson-id.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BIN, runCli } from '../helpers/cli.js';
import { demoEnv, twoChannelLesson } from '../helpers/engine-lesson.js';
import { mountTmpfs, tmpfsUnavailable } from '../helpers/tmpfs.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const sends = (s: Sandbox) => s.log.filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied');

describe('runbook run against the sandbox', () => {
  it('sends every message with its exact text, never early, and registers the check-ins', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file, texts } = twoChannelLesson({ messages: 3 });
    const t0 = Date.now();
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+2s', '--json'], { env: demoEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const start = t0 + 2000;
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; plannedAt?: number; unit?: string });
    const dispatch = events.filter((e) => e.type === 'dispatch');
    const msgs = sends(sb);
    expect(msgs).toHaveLength(6);
    for (const [i, text] of texts.entries()) {
      for (const ch of ['1000001', '1000002']) {
        const entry = msgs.find((m) => m.params?.['text'] === text && m.params?.['channelId'] === ch);
        expect(entry, `${text} on ${ch}`).toBeDefined();
        const planned = dispatch.find((d) => d.unit === `m${i + 1}@${ch === '1000001' ? 'a' : 'b'}`)!.plannedAt!;
        expect(entry!.receivedAt).toBeGreaterThanOrEqual(planned);
        expect(planned).toBeGreaterThanOrEqual(start - 50);
      }
    }
    const checkins = sb.log.filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied');
    expect(checkins).toHaveLength(1);
    const items = checkins[0]!.params!['items'] as { channelId: number; limitTime: number; delayTime: number; message: string }[];
    expect(items.map((i) => i.channelId).sort()).toEqual(['1000001', '1000002']); // the sandbox reads ids digit for digit
    for (const i of items) {
      expect(i.limitTime).toBe(20);
      expect(Math.abs(i.delayTime - (start + 30_000))).toBeLessThan(1500);
      expect(i.message).toBe('签到');
    }
  });

  it('a dry run makes no request at all', async () => {
    sb = await startSandbox();
    const { file } = twoChannelLesson();
    const r = await runCli(['run', file, '--dry-run', '--endpoint', sb.url, '--start', 'now+1h'], { env: {} });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('POST /live/v4/chat/send-custom-message/encode');
    expect(r.stdout).toContain('sign=<redacted>');
    expect(sb.log).toHaveLength(0);
    expect(existsSync(join(file, '..', '.runbook'))).toBe(false);
  });

  it('refuses a second run of the same run (the lock) and takes over a dead holder', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file } = twoChannelLesson({ messages: 2, spacingS: 2 });
    const start = new Date(Date.now() + 2500).toISOString();
    const first = runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv() });
    await new Promise((r) => setTimeout(r, 1200));
    const second = await runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv() });
    expect(second.code).toBe(6);
    expect(second.stderr).toMatch(/another runbook run of this run is active: pid \d+/);
    expect((await first).code).toBe(0);
    expect(sends(sb)).toHaveLength(4);

    // A lock left by a process that no longer exists is taken over (a fresh sandbox: the first
    // lesson's check-ins would collide with this one's on the same channels).
    await sb.close();
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const other = twoChannelLesson({ messages: 1 });
    const s2 = new Date(Date.now() + 2000).toISOString();
    // The lock is the lesson's: its file and start (src/api/lesson-id.ts).
    const runId = lessonRunId(other.file, join(other.dir, '.runbook'), Date.parse(s2));
    mkdirSync(join(other.dir, '.runbook'), { recursive: true });
    writeFileSync(join(other.dir, '.runbook', `${runId}.lock`), JSON.stringify({ host: hostname(), pid: 999_999, since: Date.now() - 60_000 }));
    const third = await runCli(['run', other.file, '--endpoint', sb.url, '--start', s2], { env: demoEnv() });
    expect(third.stderr).toContain('took over the lock of pid 999999');
    expect(third.code).toBe(0);
  });

  it('stops cleanly on Ctrl-C and says how to resume; the resume finishes the rest once', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file } = twoChannelLesson({ messages: 4, spacingS: 2 });
    const start = new Date(Date.now() + 1500).toISOString();
    let sent = false;
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', start], {
      env: demoEnv(),
      onStdout: (chunk, child) => {
        if (!sent && chunk.includes('ok m1@')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain(`--start ${start}`);
    const before = sends(sb).length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(before).toBeLessThan(8);
    const resumed = await runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv() });
    // Messages whose time passed long ago are skipped by the default grace policy only after 60 s: all are sent here.
    expect(resumed.code).toBe(0);
    const texts = sends(sb).map((e) => `${String(e.params?.['channelId'])}|${String(e.params?.['text'])}`);
    expect(texts).toHaveLength(8);
    expect(new Set(texts).size).toBe(8);
    const status = await runCli(['status', file, '--json']);
    const st = JSON.parse(status.stdout) as { rows: { state: string }[]; runs: number };
    expect(st.runs).toBe(2);
    expect(st.rows.every((row) => row.state === 'done')).toBe(true);
  });
});

/** Many messages on one channel, `spacingMs` apart, no check-ins. */
function manyMessages(n: number, spacingMs: number): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-many-'));
  const steps = Array.from({ length: n }, (_, i) => `  - { id: m${i + 1}, kind: message, at: "+${i * spacingMs}ms", text: "message ${i + 1}" }`);
  const file = join(dir, 'lesson.yaml');
  writeFileSync(
    file,
    `event: { name: Many, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }\nchannels: { a: "1000001" }\nsteps:\n${steps.join('\n')}\n`,
  );
  return { dir, file };
}

describe.skipIf(tmpfsUnavailable !== undefined)('the disk fills up mid-run (a small tmpfs)', () => {
  it('stops with a clear error (exit 2), the journal still reads, and the resume sends the rest once', async () => {
    sb = await startSandbox({ channels: ['1000001'] });
    const disk = mountTmpfs(256);
    try {
      const { file } = manyMessages(60, 100);
      const state = join(disk.dir, 'state');
      const start = new Date(Date.now() + 1500).toISOString();
      let filled = false;
      const r = await runCli(['run', file, '--endpoint', sb.url, '--start', start, '--state-dir', state], {
        env: demoEnv(),
        onStdout: (chunk) => {
          if (!filled && chunk.includes('ok m2')) {
            filled = true;
            disk.fill();
          }
        },
      });
      expect(filled).toBe(true);
      expect(r.code, r.stderr + r.stdout).toBe(2);
      expect(r.stderr).toMatch(/cannot write the journal .*: no space left on the device \(ENOSPC\)/);
      expect(r.stderr).toContain(`the run stopped; once that is fixed, resume with: `);
      expect(r.stderr).toContain(`${realpathSync(BIN)} run ${file} --start ${start}`);
      expect(r.stderr).not.toContain('internal error');
      // The journal still reads: status works and agrees on what was sent.
      const status = await runCli(['status', file, '--state-dir', state, '--json']);
      expect(status.code).toBe(0);
      const sentBefore = sends(sb).length;
      expect(sentBefore).toBeLessThan(60);
      disk.unfill();
      const resumed = await runCli(['run', file, '--endpoint', sb.url, '--start', start, '--state-dir', state, '--json'], { env: demoEnv() });
      expect([0, 4]).toContain(resumed.code);
      const summary = JSON.parse(resumed.stdout.trim().split('\n').pop()!) as { actions: { id: string; result: string }[] };
      const ambiguous = new Set(summary.actions.filter((a) => a.result === 'ambiguous').map((a) => a.id));
      for (let i = 1; i <= 60; i++) {
        const count = sends(sb).filter((e) => e.params?.['text'] === `message ${i}`).length;
        if (ambiguous.has(`m${i}`)) expect(count).toBeLessThanOrEqual(1);
        else expect(count, `m${i}`).toBe(1);
      }
    } finally {
      disk.close();
    }
  });
});

describe('the printed resume command', () => {
  it('followed literally, resumes the same run (vars, vars file, state dir, endpoint): nothing sent twice', async () => {
    sb = await startSandbox({ channels: ['1000001'] });
    const dir = mkdtempSync(join(tmpdir(), 'rb-resume-line-'));
    writeFileSync(
      join(dir, 'lesson.yaml'),
      'params: { greeting: { type: string, required: true }, who: { type: string, required: true } }\nevent: { name: Resume, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }\nchannels: { a: "1000001" }\nsteps:\n' +
        Array.from({ length: 4 }, (_, i) => `  - { id: m${i + 1}, kind: message, at: "+${i * 1500}ms", text: "{{greeting}} {{who}} ${i + 1}" }`).join('\n') +
        '\n',
    );
    writeFileSync(join(dir, 'vars.yaml'), 'who: 同学们\n');
    const args = [
      'run',
      'lesson.yaml',
      '--endpoint',
      sb.url,
      '--start',
      'now+1s',
      '--var',
      "greeting=大家好 it's",
      '--vars',
      'vars.yaml',
      '--state-dir',
      'state dir',
    ];
    let stopped = false;
    const first = await runCli(args, {
      cwd: dir,
      env: demoEnv(),
      onStdout: (chunk, child) => {
        if (!stopped && chunk.includes('ok m1')) {
          stopped = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(first.code).toBe(130);
    const line = /To resume: (.*)$/m.exec(first.stderr)?.[1];
    expect(line).toBeDefined();
    // Run exactly what was printed, through a shell, from another folder, with the PATH a user's
    // shell has after `npm ci` (no node_modules/.bin: that is added only by npm and npx).
    const userPath = (process.env['PATH'] ?? '')
      .split(':')
      .filter((d) => !d.endsWith('node_modules/.bin'))
      .join(':');
    const resumed = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('sh', ['-c', line!], { cwd: tmpdir(), env: { PATH: userPath, NO_COLOR: '1', ...demoEnv() } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(resumed.stdout, resumed.stderr).toContain('resuming');
    expect(resumed.code).toBe(0);
    const texts = sends(sb).map((e) => String(e.params?.['text']));
    expect(texts.sort()).toEqual([1, 2, 3, 4].map((i) => `大家好 it's 同学们 ${i}`));
  });
});

describe('the journal deleted or replaced mid-run', () => {
  it.each(['deleted', 'replaced'] as const)('%s: the run notices by the file identity, stops sending and says so (exit 2)', async (how) => {
    sb = await startSandbox({ channels: ['1000001'] });
    const { dir, file } = manyMessages(20, 200);
    let done = false;
    let sentAtChange = 0;
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+1s'], {
      env: demoEnv(),
      onStdout: (chunk) => {
        if (!done && chunk.includes('ok m2')) {
          done = true;
          sentAtChange = sends(sb!).length;
          const state = join(dir, '.runbook');
          const journal = join(
            state,
            readdirSync(state).find((f) => f.endsWith('.jsonl'))!,
          );
          rmSync(journal);
          if (how === 'replaced') writeFileSync(journal, '');
        }
      },
    });
    expect(done).toBe(true);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`the journal .* was ${how} while the run was writing it; the run stopped and sends nothing more`));
    // At most the call already committed at the moment of the change goes out after it.
    expect(sends(sb).length).toBeLessThanOrEqual(sentAtChange + 1);
    expect(sends(sb).length).toBeLessThan(20);
  });
});

describe('what a newcomer sees', () => {
  it('the summary names the zone of its times, the journal and the exports; status with no argument finds the run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rb-newcomer-'));
    mkdirSync(join(root, 'lessons'));
    const file = join(root, 'lessons', 'lesson.yaml');
    writeFileSync(
      file,
      'event: { name: Newcomer, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1s }\nchannels: { a: "1000001" }\ndefaults: { outDir: ../exports }\nsteps:\n  - { id: hello, kind: message, at: +0s, text: hi }\n  - { id: chat, kind: chatExport, at: end }\n',
    );
    const r = await runCli(['run', 'lessons/lesson.yaml', '--sandbox', '--start', 'now+1s'], { cwd: root, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('times in Asia/Shanghai');
    expect(r.stdout).toContain('planned (Asia/Shanghai)');
    expect(r.stdout).toMatch(new RegExp(`journal: ${join(root, 'lessons', '.runbook')}/[0-9a-f]+\\.jsonl`));
    expect(r.stdout).toContain(`exports written to: ${join(root, 'exports')}`);
    const status = await runCli(['status'], { cwd: root });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/2 planned: 2 done/);
  });
});

describe('a --sandbox rehearsal interrupted and resumed', () => {
  it('says that the resumed rehearsal runs against a new, empty sandbox, at the interruption and on resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-sandbox-resume-'));
    writeFileSync(
      join(dir, 'lesson.yaml'),
      'event: { name: Rehearsal, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }\nchannels: { a: "1000001" }\nsteps:\n' +
        Array.from({ length: 3 }, (_, i) => `  - { id: m${i + 1}, kind: message, at: "+${i * 1500}ms", text: "hi ${i + 1}" }`).join('\n') +
        '\n',
    );
    let stopped = false;
    const first = await runCli(['run', 'lesson.yaml', '--sandbox', '--start', 'now+1s'], {
      cwd: dir,
      onStdout: (chunk, child) => {
        if (!stopped && chunk.includes('ok m1')) {
          stopped = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(first.code).toBe(130);
    expect(first.stderr).toContain(
      'A resumed --sandbox rehearsal starts a new, empty sandbox: what was sent before (messages, check-ins) is not in it, so its exports miss it.',
    );
    const line = /To resume: (.*)$/m.exec(first.stderr)![1]!;
    expect(line).toContain(' --sandbox');
    const resumed = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('sh', ['-c', line], { cwd: tmpdir(), env: { PATH: process.env['PATH'], NO_COLOR: '1' } }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(resumed.stdout).toContain('resuming');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('runbook: resuming against a new, empty built-in sandbox');
  });
});
