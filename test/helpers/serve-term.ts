import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from './cli.js';

/** A course template on two shared channels: lessons extend it and add their own steps. */
export const COURSE_TEMPLATE = `params:
  lesson: { type: integer, required: true }
event:
  name: "Term test · Lesson {{lesson}}"
  timezone: Asia/Shanghai
channels:
  a: "1000001"
  b: "1000002"
defaults:
  policy: { missed: grace, graceSeconds: 120, ambiguous: report }
steps:
  - id: welcome
    kind: message
    at: start
    text: "欢迎 lesson {{lesson}}"
    channels: [a]
`;

/** A folder with templates/course.yaml and the given lesson files (relative path → content). */
export function writeTerm(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rb-serve-'));
  writeFileSync(join(dir, 'course.yaml'), COURSE_TEMPLATE);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A lesson of the course at `start` (ms), `durationS` long, with extra steps (YAML list items). */
export function lessonYaml(n: number, start: number, durationS: number, steps: string[] = [], extendsPath = '../course.yaml'): string {
  return `extends: ${extendsPath}\nvars: { lesson: ${n} }\nevent: { start: "${new Date(start).toISOString()}", duration: ${durationS}s }\nsteps:\n${steps.map((s) => `  - ${s}`).join('\n')}${steps.length ? '\n' : '  []\n'}`;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  output(): string;
  /** Resolves when stdout has a line matching `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

/** Starts the real, bundled `runbook serve` as a child process. */
export function startServeCli(args: readonly string[], opts: { cwd: string; env?: Record<string, string> }): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: opts.cwd,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], NO_COLOR: '1', RUNBOOK_I18N_STRICT: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const line = out.split('\n').find((l) => w.re.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    check();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  void exited.then(() => clearTimeout(killer));
  const waitFor = (re: RegExp, timeoutMs = 30_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      waiters.push({ re, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then(() => setTimeout(() => reject(new Error(`serve exited before ${re}; stdout:\n${out}\nstderr:\n${err}`)), 50));
      check();
    });
  return {
    child,
    url: waitFor(/^runbook serve .*http:\/\//).then((l) => /(http:\S+)/.exec(l)![1]!),
    output: () => `${out}${err ? `\n[stderr]\n${err}` : ''}`,
    waitFor,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
    exited,
  };
}

/** GET a JSON document from the serve API. */
export async function getJson<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<T> {
  const r = await fetch(url, init);
  if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}
