import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { readJournal } from '../journal/journal.js';
import type { JournalAction } from '../journal/records.js';
import { replay } from '../journal/replay.js';

export interface StatusRow extends JournalAction {
  readonly state: 'done' | 'failed' | 'ambiguous' | 'skipped' | 'pending' | 'in-flight';
  readonly message?: string;
  readonly latenessMs?: number;
}

export interface RunStatus {
  readonly runId: string;
  readonly file: string;
  readonly journal: string;
  readonly start: number;
  readonly runs: number;
  readonly rows: readonly StatusRow[];
}

/**
 * `runbook status [FILE|RUN]`: what a run did and has left, read from its journal alone. With a
 * playbook, the newest journal in its state folder that belongs to it; with a run id, that journal.
 * A unit with an intent and no outcome is shown as in-flight (ambiguous if no run is active).
 */
export function runStatus(target: string | undefined, o: { cwd: string; stateDir?: string }): RunStatus {
  const journals: string[] = [];
  const dirs = o.stateDir ? [resolve(o.cwd, o.stateDir)] : target && existsSync(resolve(o.cwd, target)) ? [join(dirname(resolve(o.cwd, target)), '.runbook')] : [resolve(o.cwd, '.runbook')];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (f.endsWith('.jsonl')) journals.push(join(d, f));
  }
  const file = target && existsSync(resolve(o.cwd, target)) ? resolve(o.cwd, target) : undefined;
  const candidates = journals
    .map((j) => ({ j, records: readJournal(j) }))
    .filter(({ j, records }) => {
      const start = records.find((r) => r.t === 'run-start');
      if (!start || start.t !== 'run-start') return false;
      if (file) return start.file === file;
      return target === undefined || j.endsWith(`${target}.jsonl`);
    })
    .sort((a, b) => statSync(b.j).mtimeMs - statSync(a.j).mtimeMs);
  const pick = candidates[0];
  if (!pick) throw new UsageError(`no journal found for ${target ?? 'this folder'} in ${dirs.join(', ')}`);
  const starts = pick.records.filter((r) => r.t === 'run-start');
  const start = starts[starts.length - 1]!;
  if (start.t !== 'run-start') throw new UsageError('corrupt journal');
  const { units } = replay(pick.records);
  const stopped = pick.records[pick.records.length - 1]?.t === 'run-stop';
  // Skipped by a person in `runbook serve`: a control record, and the action is never sent.
  const skippedBy = new Map(pick.records.flatMap((r) => (r.t === 'control' && r.control === 'skip' && r.action ? [[r.action, r.who] as const] : [])));
  const rows = start.actions.map<StatusRow>((a) => {
    const u = units.get(a.unit);
    const out = u?.outcome;
    if (!out && !u?.intent && skippedBy.has(a.id)) return { ...a, state: 'skipped', message: `skipped by ${skippedBy.get(a.id)!}` };
    const state: StatusRow['state'] = out ? stateOf(out.actionResults?.[a.id] ?? out.result, a.id, out.actionResults ? undefined : out.failedActions) : u?.intent ? (stopped ? 'ambiguous' : 'in-flight') : 'pending';
    return { ...a, state, ...(out?.message ? { message: out.message } : {}), ...(out?.latenessMs !== undefined ? { latenessMs: out.latenessMs } : {}) };
  });
  return { runId: start.runId, file: start.file, journal: pick.j, start: start.start, runs: starts.length, rows };
}

/**
 * An action's state from its unit's outcome (or, in a batch journaled with `actionResults`, its own
 * result there). In an older journal's batch, `failedActions` names the check-ins the
 * outcome is about: after a 1099 the others were not registered either (the batch is all-or-nothing);
 * after a re-send that left some unconfirmed, the others were confirmed.
 */
function stateOf(result: 'ok' | 'failed' | 'ambiguous' | 'skipped', id: string, failedActions?: readonly string[]): StatusRow['state'] {
  if (result === 'ok') return 'done';
  if (result === 'ambiguous' && failedActions && !failedActions.includes(id)) return 'done';
  return result;
}
