import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { BIN, runCli } from '../helpers/cli.js';

describe('runbook validate (real process)', () => {
  it('exits 2 with one line for a missing file', async () => {
    const r = await runCli(['validate', 'no/such/file.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no/such/file.yaml');
  });

  it('exits 2 on an unknown flag or format', async () => {
    expect((await runCli(['validate', '--nope', 'x.yaml'])).code).toBe(2);
    expect((await runCli(['validate', '--format', 'xml', 'examples/lessons/lesson-01-intro.yaml'])).code).toBe(2);
  });

  it('prints GitHub annotations', async () => {
    const r = await runCli(['validate', '--format', 'github', 'examples/invalid/checkin-gap-4s.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=examples\/invalid\/checkin-gap-4s\.yaml,line=9,col=5,title=RB4009::/m);
  });

  it('prints stable JSON', async () => {
    const r = await runCli(['validate', '--format', 'json', 'examples/invalid/overlapping-checkins.yaml']);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      files: { diagnostics: { code: string; line: number; stepId: string; related: { line: number }[] }[] }[];
    };
    expect(out.ok).toBe(false);
    expect(out.files[0]!.diagnostics[0]).toMatchObject({ code: 'RB4008', line: 9, stepId: 'second', related: [{ line: 5 }] });
  });

  it('checks check-ins across files that share a channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-cross-'));
    const lesson = (name: string, at: string): string => {
      const f = join(dir, `${name}.yaml`);
      writeFileSync(
        f,
        `event: { name: ${name}, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1h }\nchannels: { main: "1000001" }\nsteps:\n  - id: ${name}-checkin\n    kind: checkin\n    at: ${at}\n    duration: 60s\n`,
      );
      return f;
    };
    const a = lesson('a', '+10m');
    const b = lesson('b', '+11m3s');
    expect((await runCli(['validate', a])).code).toBe(0);
    expect((await runCli(['validate', b])).code).toBe(0);
    const both = await runCli(['validate', '--format', 'json', a, b]);
    expect(both.code).toBe(1);
    const out = JSON.parse(both.stdout) as { crossFile: { code: string; stepId: string }[] };
    expect(out.crossFile).toMatchObject([{ code: 'RB4009', stepId: 'b-checkin' }]);
  });

  it('applies --var over vars, and reports a wrongly typed --var', async () => {
    const ok = await runCli(['plan', 'examples/lessons/lesson-01-intro.yaml', '--json', '--var', 'teacher=张老师']);
    expect(ok.stdout).toContain('张老师');
    const bad = await runCli(['validate', 'examples/lessons/lesson-01-intro.yaml', '--var', 'lesson=one']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/<command line>:1:1: error RB3004/);
  });

  it('answers --help and --version without a stack trace', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('validate');
    const v = await runCli(['--version']);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('runbook validate ends promptly on a signal', () => {
  it('stops between files on SIGTERM, exits 130 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-sig-'));
    const steps = Array.from({ length: 6000 }, (_, i) => `  - { id: s${i}, kind: message, at: +${i}s, text: "第 ${i} 条 {{time event.start}}" }`).join('\n');
    writeFileSync(
      join(dir, 'big.yaml'),
      `event: { name: S, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 3h }\nchannels: { main: "1000001" }\nsteps:\n${steps}\n`,
    );
    // Many names for one large file: each is read and checked on its own (minutes of work in all).
    const files = Array.from({ length: 200 }, (_, i) => {
      const link = join(dir, `lesson-${i}.yaml`);
      symlinkSync(join(dir, 'big.yaml'), link);
      return link;
    });
    const t0 = Date.now();
    let sent = 0;
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'validate', ...files], {
        cwd: dir,
        env: { PATH: process.env['PATH'], NO_COLOR: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const term = setTimeout(() => {
        sent = Date.now();
        child.kill('SIGTERM');
      }, 5000); // well after the signal handlers are installed, even on a loaded machine
      const kill = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(term);
        clearTimeout(kill);
        resolve({ code, stderr });
      });
    });
    expect(sent).toBeGreaterThan(0);
    expect(r.code).toBe(130);
    expect(Date.now() - sent).toBeLessThan(20_000);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/interrupted after \d+ of 200/);
  });
});

describe('channel ids on the wire', () => {
  it('run --dry-run prints the batch-checkin body as sent: a 20-digit id digit for digit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-longid-'));
    writeFileSync(
      join(dir, 'long.yaml'),
      'event: { name: Long, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1m }\nchannels: { main: "012345678901234567890" }\nsteps:\n  - { id: c, kind: checkin, at: +10s, duration: 5s }\n',
    );
    const r = await runCli(['run', 'long.yaml', '--dry-run', '--start', 'now+1s', '--state-dir', join(dir, 'state')], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('body: [{"channelId":12345678901234567890,"limitTime":5,');
    const p = await runCli(['plan', 'long.yaml', '--json'], { cwd: dir });
    const plan = JSON.parse(p.stdout) as { channels: Record<string, string>; checkinBatches: { call: { body: string; json: { channelId: string }[] } }[] };
    expect(plan.channels).toEqual({ main: '12345678901234567890' });
    expect(plan.checkinBatches[0]!.call.body).toContain('"channelId":12345678901234567890,');
    expect(plan.checkinBatches[0]!.call.json[0]!.channelId).toBe('12345678901234567890');
  });
});

describe('check-ins already past', () => {
  it('plain `plan` warns RB4014 (no --start needed); `validate` keeps quiet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-past-'));
    writeFileSync(
      join(dir, 'past.yaml'),
      'event: { name: Past, timezone: Asia/Shanghai, start: "2020-12-01T19:30", duration: 1h }\nchannels: { main: "1000001" }\nsteps:\n  - { id: c, kind: checkin, at: +10m, duration: 60s }\n',
    );
    const p = await runCli(['plan', 'past.yaml'], { cwd: dir });
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/^past\.yaml:4:\d+: warning RB4014 /m);
    const v = await runCli(['validate', 'past.yaml'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stdout).not.toContain('RB4014');
  });
});
