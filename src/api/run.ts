import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { hasErrors } from '../core/diagnostic.js';
import { VirtualClock, platformClock, realClock, type EngineClock } from '../engine/clock.js';
import { runEngine, type RunSummary } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import { acquireLock, type LockHolder } from '../journal/lock.js';
import { Journal, journalPath, readJournal, type JournalRepair } from '../journal/journal.js';
import type { Plan } from '../plan/types.js';
import type { ClientEvent, PolyvClient } from '../transport/client.js';
import { skewMsg } from '../transport/clock.js';
import { connect, type Connection } from './connection.js';
import { planFile, type FileResult } from './pipeline.js';
import { lessonRunId, stateDirFor } from './lesson-id.js';
import { reconcilePlan } from './reconcile.js';
import { formatMessage, msg } from '../i18n/index.js';

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
  /** Told when opening the journal cut off a torn last line (a record never written whole). */
  readonly onJournalRepaired?: (repair: JournalRepair) => void;
  /** Called after each durable journal write (the CLI's crash test hook uses it). */
  readonly afterJournalWrite?: (count: number) => void;
  readonly isAlive: (pid: number) => boolean;
  readonly pid: number;
  readonly clock?: EngineClock;
  /** Per-request timeout of the client (ms). */
  readonly requestTimeoutMs?: number;
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
  const now = (o.clock ?? realClock).now();
  const planAt = (t: number): FileResult =>
    planFile(o.file, {
      cwd: o.cwd,
      ...(o.vars ? { vars: o.vars } : {}),
      ...(o.varsFile ? { varsFile: o.varsFile } : {}),
      ...(o.start ? { start: o.start } : {}),
      now: t,
    });
  let planned = planAt(now);
  if (!planned.plan || hasErrors(planned.diagnostics)) return { diagnostics: planned.diagnostics };
  // The journal and lock belong to the lesson (its file and start), not to its content: see lesson-id.ts.
  const stateDir = stateDirFor(o.file, o.cwd, o.stateDir);
  const lessonPlan = (p: Plan): Plan => ({ ...p, runId: lessonRunId(resolve(o.cwd, o.file), stateDir, p.event.start) });
  let plan = lessonPlan(planned.plan);

  if (o.dryRun) {
    o.onPlan?.(plan);
    const summary = await runEngine({ plan, clock: new VirtualClock(now), signal: o.signal, ...(o.onEvent ? { onEvent: o.onEvent } : {}) });
    return { diagnostics: planned.diagnostics, plan, summary };
  }

  // The lock first: a second run of the same run must not even start a sandbox or touch the journal.
  let lock = acquireLock(stateDir, plan.runId, o.isAlive, o.pid);
  if (lock.recovered) o.onLockRecovered?.(lock.recovered);
  let conn: Connection | undefined;
  let journal: Journal | undefined;
  try {
    let ignoredDate = false;
    conn = await connect(
      o,
      { channels: Object.values(plan.channels), seedMessages: 50 },
      {
        onEvent: (e) => {
          o.onClientEvent?.(e);
          if (e.type === 'clock-ignored' && !ignoredDate) {
            ignoredDate = true;
            const text = msg('run.notice.clockIgnored', { date: e.date || msg('run.notice.unreadableDate') });
            o.onEvent?.({ type: 'notice', code: 'clock-ignored', message: formatMessage(text, 'en'), text });
          }
        },
        ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
      },
    );
    const client = conn.client;
    // The platform's clock is the lesson's: its offset is measured before the first instant, and
    // the run is scheduled (and relative starts planned) by it.
    const offset = await measureClockOffset(client, o.signal);
    if (Math.abs(offset) >= 1000) {
      if (!o.clock) {
        const replanned = planAt(Date.now() + offset);
        if (replanned.plan && !hasErrors(replanned.diagnostics)) {
          planned = replanned;
          const next = lessonPlan(replanned.plan);
          if (next.runId !== plan.runId) {
            const nextLock = acquireLock(stateDir, next.runId, o.isAlive, o.pid);
            lock.release();
            lock = nextLock;
          }
          plan = next;
        }
      }
    }
    // The host picks its view from the plan; what it shows starts here.
    o.onPlan?.(plan);
    if (Math.abs(offset) >= 1000) {
      const text = msg('run.notice.clockOffset', { skew: skewMsg(offset) });
      o.onEvent?.({ type: 'notice', code: 'clock-offset', offsetMs: offset, message: formatMessage(text, 'en'), text });
    }
    const clock = o.clock ?? platformClock(() => client.clock.offset);
    const path = journalPath(stateDir, plan.runId);
    // Opened (and a torn tail repaired) before it is read: what is read is what later records follow.
    journal = Journal.open(stateDir, plan.runId, { ...(o.afterJournalWrite ? { afterWrite: o.afterJournalWrite } : {}) });
    if (journal.repaired) o.onJournalRepaired?.(journal.repaired);
    const prior = readJournal(path);
    // What a `serve` of the same lesson journaled (skips, sends ahead, registered check-ins) holds here too.
    plan = reconcilePlan(plan, prior).plan;
    journal.appendDurable([
      {
        t: 'run-start',
        runId: plan.runId,
        at: Date.now(),
        pid: o.pid,
        host: hostname(),
        file: resolve(o.cwd, o.file),
        start: plan.event.start,
        zone: plan.event.zone,
        actions: plan.actions.map((a) => ({
          id: a.id,
          unit: a.kind === 'checkin' ? a.batchId : a.id,
          kind: a.kind,
          channelId: a.channelId,
          at: a.kind === 'checkin' ? a.startsAt : a.at,
        })),
      },
    ]);
    const summary = await runEngine({ plan, api: client, journal, prior, clock, signal: o.signal, ...(o.onEvent ? { onEvent: o.onEvent } : {}) });
    return { diagnostics: planned.diagnostics, plan, summary, journal: path, ...(conn.sandbox ? { sandboxUrl: conn.sandbox.url } : {}) };
  } finally {
    await journal?.close();
    lock.release();
    await conn?.close();
  }
}

/** How long the clock measurement may take before the run goes on without it. */
const MEASURE_BUDGET_MS = 5000;

/**
 * One cheap signed read (a one-record page of an empty window) whose answer's Date header gives the
 * platform's clock. Best effort: a failed read leaves the offset as it is (0, or what the answer's
 * Date said), and the run's own calls correct it as they go.
 */
export async function measureClockOffset(client: PolyvClient, signal: AbortSignal): Promise<number> {
  const t = Date.now();
  try {
    // Bounded: an unreachable platform must not hold the run's start (its own calls will say so).
    await client.getSpeakList(
      { userId: client.userId, startTime: t, endTime: t, size: 1 },
      { signal: AbortSignal.any([signal, AbortSignal.timeout(MEASURE_BUDGET_MS)]), stepId: 'clock' },
    );
  } catch {
    // The Date header of a refusal counts as well as a success's.
  }
  return client.clock.offset;
}
