import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

/** A playbook whose plan is far larger than a pipe holds. */
function bigPlaybook(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rb-big-')), 'big.yaml');
  const steps = Array.from({ length: 3000 }, (_, i) => `  - { id: m${i}, kind: message, at: "+${i}s", text: "hello ${i}" }`).join('\n');
  writeFileSync(file, `event: { name: Big, timezone: UTC, start: "2099-12-01T10:00", duration: 2h }\nchannels: { a: "1000001" }\nsteps:\n${steps}\n`);
  return file;
}

/** Runs the CLI with a reader that closes its end of the pipe after the first chunk, as `head -c 10` does. */
function closedEarly(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'], NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('output piped into a reader that closes early', () => {
  it.each([['plan'], ['plan', '--json'], ['run', '--dry-run'], ['validate']])(
    'runbook %s … | head -c 10 ends quietly with its own exit code',
    async (...args) => {
      const file = bigPlaybook();
      const [cmd, ...flags] = args;
      const r = await closedEarly([cmd!, file, ...flags]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    },
  );
});
