import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { hasErrors } from '../core/diagnostic.js';
import { VirtualClock, realClock, type EngineClock } from '../engine/clock.js';
import { runEngine, type RunSummary } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { acquireLock, type LockHolder } from '../journal/lock.js';
import { Journal, journalPath, readJournal } from '../journal/journal.js';
import type { Plan } from '../plan/types.js';
import type { ClientEvent } from '../transport/client.js';
import { connect, type Connection } from './connection.js';
import { planFile } from './pipeline.js';
import { lessonRunId, stateDirFor } from './lesson-id.js';
import { reconcilePlan } from './reconcile.js';

export interface RunPlaybookOptions {
  readonly file: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly start?: string;
  readonly vars?: readonly string[];
  readonly varsFile?: string;
  readonly dryRun?: boolean;
  /** Start the built-in sandbox in this process and run against it with its demo credentials. */
  readonly sandbox?: boolean;
  readonly endpoint?: string;
  readonly stateDir?: string;
  readonly profile?: string;
  readonly credentialsFile?: string;
  readonly signal: AbortSignal;
  readonly onEvent?: (e: EngineEvent) => void;
  readonly onClientEvent?: (e: ClientEvent) => void;
  /** Told when a stale lock of a dead process was taken over. */
  readonly onLockRecovered?: (holder: LockHolder) => void;
  /** Called after each durable journal write (the CLI's crash test hook uses it). */
  readonly afterJournalWrite?: (count: number) => void;
  readonly isAlive: (pid: number) => boolean;
  readonly pid: number;
  readonly clock?: EngineClock;
  /** Per-request timeout of the client (ms). */
  readonly requestTimeoutMs?: number;
  /** Rehearse the first burst in-process before it is due (EngineOptions.rehearse). Default true. */
  readonly rehearse?: boolean;
  /** Stage message calls ahead of their instant (EngineOptions.stage). Default true. */
  readonly stage?: boolean;
  /** Passed to the engine (EngineOptions.beforeInstant): the CLI collects garbage there. */
  readonly beforeInstant?: () => void;
  /** Called once the plan is made, before anything runs (the CLI picks its progress view). */
  readonly onPlan?: (plan: Plan) => void;
}

export interface RunPlaybookResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly plan?: Plan;
  readonly summary?: RunSummary;
  readonly journal?: string;
  readonly sandboxUrl?: string;
}

/**
 * `runbook run`: plan (refusing to start on any error, so nothing can fail on templating mid-lesson),
 * take the run's lock, open its journal, and run the engine — or, with `dryRun`, run it on a virtual
 * clock with no network, no journal and no credentials.
 */
export async function runPlaybook(o: RunPlaybookOptions): Promise<RunPlaybookResult> {
  const clock = o.clock ?? realClock;
  const now = clock.now();
  const planned = planFile(o.file, { cwd: o.cwd, ...(o.vars ? { vars: o.vars } : {}), ...(o.varsFile ? { varsFile: o.varsFile } : {}), ...(o.start ? { start: o.start } : {}), now });
  if (!planned.plan || hasErrors(planned.diagnostics)) return { diagnostics: planned.diagnostics };
  // The journal and lock belong to the lesson (its file and start), not to its content: see lesson-id.ts.
  const stateDir = stateDirFor(o.file, o.cwd, o.stateDir);
  const compiled = { ...planned.plan, runId: lessonRunId(resolve(o.cwd, o.file), stateDir, planned.plan.event.start) };
  o.onPlan?.(compiled);

  if (o.dryRun) {
    const summary = await runEngine({ plan: compiled, clock: new VirtualClock(now), signal: o.signal, ...(o.onEvent ? { onEvent: o.onEvent } : {}) });
    return { diagnostics: planned.diagnostics, plan: compiled, summary };
  }

  // The lock first: a second run of the same run must not even start a sandbox or touch the journal.
  const lock = acquireLock(stateDir, compiled.runId, o.isAlive, o.pid);
  if (lock.recovered) o.onLockRecovered?.(lock.recovered);
  let conn: Connection | undefined;
  let journal: Journal | undefined;
  try {
    conn = await connect(o, { channels: Object.values(compiled.channels), seedMessages: 50 }, {
      ...(o.onClientEvent ? { onEvent: o.onClientEvent } : {}),
      ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    });
    const path = journalPath(stateDir, compiled.runId);
    const prior = readJournal(path);
    // What a `serve` of the same lesson journaled (skips, sends ahead, registered check-ins) holds here too.
    const plan: Plan = reconcilePlan(compiled, prior).plan;
    journal = Journal.open(stateDir, plan.runId, { ...(o.afterJournalWrite ? { afterWrite: o.afterJournalWrite } : {}) });
    journal.appendDurable([
      {
        t: 'run-start',
        runId: plan.runId,
        at: Date.now(),
        pid: o.pid,
        host: hostname(),
        file: resolve(o.cwd, o.file),
        start: plan.event.start,
        actions: plan.actions.map((a) => ({ id: a.id, unit: a.kind === 'checkin' ? a.batchId : a.id, kind: a.kind, channelId: a.channelId, at: a.kind === 'checkin' ? a.startsAt : a.at })),
      },
    ]);
    const summary = await runEngine({ plan, api: conn.client, journal, prior, clock, signal: o.signal, ...(o.onEvent ? { onEvent: o.onEvent } : {}), ...(o.beforeInstant ? { beforeInstant: o.beforeInstant } : {}), ...(o.rehearse === false ? { rehearse: false } : {}), ...(o.stage === false ? { stage: false } : {}) });
    return { diagnostics: planned.diagnostics, plan, summary, journal: path, ...(conn.sandbox ? { sandboxUrl: conn.sandbox.url } : {}) };
  } finally {
    await journal?.close();
    lock.release();
    await conn?.close();
  }
}
