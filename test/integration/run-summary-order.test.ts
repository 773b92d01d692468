import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/**
 * A check-in is registered with its batch before the messages around it, but it is planned for its
 * start: the summary and `status` list every action by planned time, then the author's order — here
 * the check-in, written first, starts between the two messages.
 */
describe('the run summary and status, in planned-time order', () => {
  it('lists m1 (+0s), the check-in (+1s), m2 (+2s) in that order', async () => {
    sb = await startSandbox({ channels: ['1000001'] });
    const dir = mkdtempSync(join(tmpdir(), 'rb-order-'));
    const file = join(dir, 'lesson.yaml');
    writeFileSync(
      file,
      'event: { name: Order, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }\nchannels: { a: "1000001" }\nsteps:\n  - { id: ci, kind: checkin, at: +1s, duration: 20s, prompt: 签到 }\n  - { id: m1, kind: message, at: +0s, text: hello }\n  - { id: m2, kind: message, at: +2s, text: bye }\n',
    );
    const r = await runCli(['run', file, '--endpoint', sb.url, '--start', 'now+1s'], { env: demoEnv() });
    expect(r.code, r.stderr).toBe(0);
    const summaryIds = r.stdout.split('\n').flatMap((l) => /^(m1|m2|ci) /.exec(l)?.[1] ?? []);
    expect(summaryIds).toEqual(['m1', 'ci', 'm2']);
    const status = await runCli(['status', file, '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { rows: { id: string }[] }).rows.map((row) => row.id)).toEqual(['m1', 'ci', 'm2']);
    const text = await runCli(['status', file]);
    expect(text.stdout.split('\n').flatMap((l) => / (m1|m2|ci)$/.exec(l)?.[1] ?? [])).toEqual(['m1', 'ci', 'm2']);
  });
});
