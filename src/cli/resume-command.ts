import { isAbsolute, resolve } from 'node:path';

/** The `run` options that decide a run's identity (its id) and where its calls and journal go. */
export interface ResumeOptions {
  readonly file: string;
  /** The event start the run used, absolute (ms epoch): `--start now+3s` must not move on resume. */
  readonly start: number;
  readonly vars: readonly string[];
  readonly varsFile?: string;
  readonly sandbox?: boolean;
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentials?: string;
  readonly stateDir?: string;
  readonly requestTimeout?: string;
}

/**
 * The exact command that resumes a run: every option that decides its id (the playbook, its
 * variables, the start) and its destination (endpoint or sandbox, credentials, state folder), with
 * paths made absolute so it works from any folder, quoted for a POSIX shell, started by `launcher`
 * (launcher.ts: `runbook` only when it is on the user's PATH, else `node /abs/bin/runbook.js`).
 * Leaving one out would start another run — sending again what was delivered — or send to another platform.
 */
export function resumeCommand(o: ResumeOptions, cwd: string, launcher: readonly string[] = ['runbook']): string {
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const args = [...launcher, 'run', path(o.file), '--start', new Date(o.start).toISOString()];
  for (const v of o.vars) args.push('--var', v);
  if (o.varsFile) args.push('--vars', path(o.varsFile));
  if (o.sandbox) args.push('--sandbox');
  if (o.endpoint) args.push('--endpoint', o.endpoint);
  if (o.profile) args.push('--profile', o.profile);
  if (o.credentials) args.push('--credentials', path(o.credentials));
  if (o.stateDir) args.push('--state-dir', path(o.stateDir));
  if (o.requestTimeout) args.push('--request-timeout', o.requestTimeout);
  return args.map(shellQuote).join(' ');
}

/** A word as a POSIX shell reads it back unchanged: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
