import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { formatMessage, msg, type Msg } from '../i18n/index.js';
import { readJournal } from '../journal/journal.js';
import type { JournalAction, JournalRecord } from '../journal/records.js';
import { replay } from '../journal/replay.js';

export interface StatusRow extends JournalAction {
  readonly state: 'done' | 'failed' | 'ambiguous' | 'skipped' | 'pending' | 'in-flight';
  /** What the outcome said, in English (as the journal keeps it). */
  readonly message?: string;
  /** The same as a message, to show in the reader's language; absent for journals written before it. */
  readonly text?: Msg;
  readonly latenessMs?: number;
}

export interface RunStatus {
  readonly runId: string;
  readonly file: string;
  readonly journal: string;
  readonly start: number;
  /** The event's zone, for showing times as the lesson's people read them (UTC for journals that do not say). */
  readonly zone: string;
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
  const dirs = o.stateDir
    ? [resolve(o.cwd, o.stateDir)]
    : target && existsSync(resolve(o.cwd, target))
      ? [join(dirname(resolve(o.cwd, target)), '.runbook')]
      : stateFoldersUnder(resolve(o.cwd));
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) if (f.endsWith('.jsonl')) journals.push(join(d, f));
  }
  const file = target && existsSync(resolve(o.cwd, target)) ? resolve(o.cwd, target) : undefined;
  // Newest first, read until the first that belongs to the target: a damaged journal newer than it
  // is an error (it may be the run asked about), older ones are never read.
  const byAge = journals
    .filter((j) => file !== undefined || target === undefined || j.endsWith(`${target}.jsonl`))
    .map((j) => ({ j, mtime: statSync(j).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  let pick: { j: string; records: JournalRecord[] } | undefined;
  for (const { j } of byAge) {
    const records = readJournal(j);
    const first = records.find((r) => r.t === 'run-start');
    if (!first || first.t !== 'run-start') continue;
    if (file !== undefined && first.file !== file) continue;
    pick = { j, records };
    break;
  }
  if (!pick)
    throw new UsageError(
      msg('run.api.noJournal', {
        target: target ?? msg('run.api.thisFolder'),
        dirs: dirs.length ? dirs.join(', ') : msg('run.api.folderOrBelow', { dir: join(resolve(o.cwd), '.runbook') }),
      }),
    );
  const starts = pick.records.filter((r) => r.t === 'run-start');
  const start = starts[starts.length - 1]!;
  if (start.t !== 'run-start') throw new UsageError(msg('run.api.corruptJournal'));
  const { units } = replay(pick.records);
  const stopped = pick.records[pick.records.length - 1]?.t === 'run-stop';
  // Skipped by a person in `runbook serve`: a control record, and the action is never sent.
  const skippedBy = new Map(pick.records.flatMap((r) => (r.t === 'control' && r.control === 'skip' && r.action ? [[r.action, r.who] as const] : [])));
  const rows = start.actions.map<StatusRow>((a) => {
    const u = units.get(a.unit);
    const out = u?.outcome;
    if (!out && !u?.intent && skippedBy.has(a.id)) {
      const text = msg('run.api.skippedBy', { who: skippedBy.get(a.id)! });
      return { ...a, state: 'skipped', message: formatMessage(text, 'en'), text };
    }
    // An export stopped midway has no outcome and is redone from its checkpoint by a resumed run:
    // pending, as the run's summary says — never ambiguous (it sends nothing).
    const state: StatusRow['state'] = out
      ? stateOf(out.actionResults?.[a.id] ?? out.result, a.id, out.actionResults ? undefined : out.failedActions)
      : u?.intent
        ? a.kind.endsWith('Export')
          ? stopped
            ? 'pending'
            : 'in-flight'
          : stopped
            ? 'ambiguous'
            : 'in-flight'
        : 'pending';
    return {
      ...a,
      state,
      ...(out?.message ? { message: out.message } : {}),
      ...(out?.text ? { text: out.text } : {}),
      ...(out?.latenessMs !== undefined ? { latenessMs: out.latenessMs } : {}),
    };
  });
  // By planned time (a check-in's start), then the plan's order: the journal lists the actions in
  // the plan's order and the sort is stable.
  const ordered = [...rows].sort((a, b) => a.at - b.at);
  // The newest run-start that names the zone (older journals and serve's do not: UTC, said as such).
  const zone = [...starts].reverse().find((r) => r.t === 'run-start' && r.zone)?.zone ?? 'UTC';
  return { runId: start.runId, file: start.file, journal: pick.j, start: start.start, zone, runs: starts.length, rows: ordered };
}

/** How deep below the current folder `status` looks for the `.runbook` folders beside playbooks. */
const SEARCH_DEPTH = 3;

/**
 * The state folders `status` with no argument looks in: `./.runbook`, and the `.runbook` folder
 * beside a playbook in a folder below (the default state folder is beside the playbook, so that
 * `runbook run lessons/l1.yaml` then `runbook status` finds its run). Hidden folders and
 * node_modules are not searched.
 */
function stateFoldersUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      if (e.name === '.runbook') found.push(join(dir, e.name));
      else if (depth < SEARCH_DEPTH && !e.name.startsWith('.') && e.name !== 'node_modules') walk(join(dir, e.name), depth + 1);
    }
  };
  walk(root, 0);
  return found;
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
