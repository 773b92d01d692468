import { createHash } from 'node:crypto';
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Where a lesson's journal and lock live: `--state-dir` (relative to cwd), else `.runbook/` beside
 * the playbook. `runbook run` and `runbook serve` use the same rule.
 */
export function stateDirFor(file: string, cwd: string, stateDir?: string): string {
  return stateDir ? resolve(cwd, stateDir) : resolve(dirname(resolve(cwd, file)), '.runbook');
}

/**
 * The identity of a lesson's journal and lock: its playbook file (as a path relative to the folder
 * that holds the state folder, so moving a checkout keeps it) and its start instant — not its
 * content, so that an edited lesson keeps its journal (done actions are never sent again, matched by
 * action id) and a `run` and a `serve` of the same lesson contend for one lock.
 */
export function lessonRunId(file: string, stateDir: string, start: number): string {
  const key = relative(dirname(stateDir), resolve(file)).split(sep).join('/');
  return createHash('sha256').update(`lesson|${key}|${start}`).digest('hex').slice(0, 16);
}
