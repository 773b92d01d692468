import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CREDENTIALS } from '../../src/sandbox/credentials.js';

/** Env for a CLI child that talks to a test's sandbox with the demo credentials. */
export function demoEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { POLYV_APP_ID: DEMO_CREDENTIALS.appId, POLYV_APP_SECRET: DEMO_CREDENTIALS.appSecret, POLYV_USER_ID: DEMO_CREDENTIALS.userId, ...extra };
}

/** A two-channel lesson: messages a second or two apart and one check-in per channel. */
export function twoChannelLesson(opts: { messages?: number; spacingS?: number; policy?: string } = {}): { dir: string; file: string; texts: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-run-'));
  const n = opts.messages ?? 3;
  const spacing = opts.spacingS ?? 1;
  const texts: string[] = [];
  const steps: string[] = [];
  for (let i = 0; i < n; i++) {
    const text = `消息 ${i + 1} · message ${i + 1} "quoted" & <b>`;
    texts.push(text);
    steps.push(`  - id: m${i + 1}\n    kind: message\n    at: +${i * spacing}s\n    text: '${text}'${opts.policy ? `\n    policy: ${opts.policy}` : ''}`);
  }
  steps.push('  - id: checkin\n    kind: checkin\n    at: +30s\n    duration: 20s\n    prompt: 签到');
  const file = join(dir, 'lesson.yaml');
  writeFileSync(
    file,
    `event: { name: Test lesson, timezone: Asia/Shanghai, start: "2026-12-01T19:30", duration: 1m }\nchannels: { a: "1000001", b: "1000002" }\nsteps:\n${steps.join('\n')}\n`,
  );
  return { dir, file, texts };
}
