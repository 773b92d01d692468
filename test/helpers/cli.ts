import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'runbook.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real, bundled CLI as a child process. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> & { readonly child: ChildProcess } {
  return runBin(BIN, args, opts);
}

/**
 * The CLI with its test hooks (bin/runbook-test-hooks.js): `RUNBOOK_TEST_CRASH_AFTER_WRITES=N` kills
 * `run` after its N-th journal write, `RUNBOOK_TEST_CRASH_AFTER_PAGES=N` kills `export history` after
 * N pages. The product CLI reads neither.
 */
export function runCliWithHooks(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> & { readonly child: ChildProcess } {
  return runBin(TEST_BIN, args, opts);
}

export const TEST_BIN = join(ROOT, 'bin', 'runbook-test-hooks.js');

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  onStdout?: (chunk: string, child: ChildProcess) => void;
  /** Keep stdin open as a pipe (default: ignored). */
  stdin?: 'pipe' | 'ignore';
  /** Run as this user and group (needs root): for permission errors, which root never gets. */
  user?: { uid: number; gid: number };
}

function runBin(bin: string, args: readonly string[], opts: CliOptions): Promise<CliRun> & { readonly child: ChildProcess } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], NO_COLOR: '1', RUNBOOK_I18N_STRICT: '1', ...opts.env },
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    ...(opts.user ? { uid: opts.user.uid, gid: opts.user.gid } : {}),
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      opts.onStdout?.(c.toString(), child);
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return Object.assign(done, { child });
}
