import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { polyvSign } from '../../src/polyv/sign.js';
import { DEMO_CREDENTIALS } from '../../src/sandbox/credentials.js';
import { BIN, runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';

describe('runbook sandbox (real process)', () => {
  it('prints its URL, serves signed calls, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--seed-messages', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise<string>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
    });
    const q: Record<string, string> = { appId: DEMO_CREDENTIALS.appId, timestamp: String(Date.now()), userId: DEMO_CREDENTIALS.userId, size: '3' };
    q['sign'] = polyvSign(q, DEMO_CREDENTIALS.appSecret);
    const res = await request(`${url}/live/v3/user/chat/get-speak-list?${new URLSearchParams(q)}`);
    const body = (await res.body.json()) as { code: number; data: { list: unknown[] } };
    expect(body.code).toBe(200);
    expect(body.data.list).toHaveLength(3);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(out).toContain('sandbox stopped');
  });

  it('seeds its chat records inside the default window of a one-off history export', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--seed-messages', '50'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
      });
      // A few seconds later, as a person would type the export.
      await new Promise((r) => setTimeout(r, 3000));
      const dir = mkdtempSync(join(tmpdir(), 'rb-seeded-'));
      const r = await runCli(['export', 'history', '--channel', '1000001', '--endpoint', url, '--out', dir], { env: demoEnv() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/, 50 records\)/);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('refuses a bad fault spec with one line and exit 2', async () => {
    const r = await runCli(['sandbox', '--faults', 'explode=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^runbook: `--faults`: unknown fault "explode"/);
  });
});
