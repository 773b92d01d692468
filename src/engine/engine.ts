import { DateTime } from 'luxon';
import { replay } from '../journal/replay.js';
import type { Journal } from '../journal/journal.js';
import type { JournalRecord, UnitResult } from '../journal/records.js';
import type { CheckinAction, Plan } from '../plan/types.js';
import { getSpeakListRequest, type ApiRequest } from '../polyv/requests.js';
import type { PolyvApi, StagedCall } from '../transport/api.js';
import { outcomeOf } from '../transport/classify.js';
import { PolyvApiError } from '../transport/errors.js';
import type { CheckpointPort } from '../export/checkpoint.js';
import { runChatExport, type ExportDone } from '../export/chat-export.js';
import { runHistoryExport, type HistoryCheckpoint } from '../export/history-export.js';
import { runReportExport } from '../export/report-export.js';
import type { EngineClock } from './clock.js';
import type { EngineEvent } from './events.js';
import { actionIdsOf, unitsOf, type Unit } from './units.js';

/** How long to wait before re-sending a check-in batch whose answer was lost (see registerBatch). */
const VERIFY_AFTER_MS = 2000;

/** How long before its instant a unit's intent is written and its call signed (see commitAhead). */
const INTENT_AHEAD_MS = 50;

/** How long before an instant the connections for its calls are opened (see PolyvApi.preconnect). */
const PRECONNECT_AHEAD_MS = 2000;

/** How long after an instant's dispatch the next instant's connections may be opened. */
const SETTLE_MS = 250;

/** Calls due within this much of an instant count towards the connections opened for it. */
const BURST_WINDOW_MS = 1000;

/** The longest a rehearsal may take; it waits for a gap this long (plus REHEARSAL_CLEAR_MS) before the next unit. */
const REHEARSAL_BUDGET_MS = 1000;

/** A rehearsal ends at least this long before the first burst. */
const REHEARSAL_CLEAR_MS = 500;

/** A rehearsal sends at least this many calls (a short first burst repeated), at most this many. */
const REHEARSAL_MIN_CALLS = 32;
const REHEARSAL_MAX_CALLS = 128;

/** An action's place in the run's result. `pending`: not reached (interrupted, or not yet due). */
export interface ActionReport {
  readonly id: string;
  readonly unit: string;
  readonly kind: string;
  readonly channelId: string;
  readonly plannedAt: number;
  result: UnitResult | 'pending';
  latenessMs?: number;
  message?: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly actions: readonly ActionReport[];
  readonly interrupted: boolean;
  readonly resumed: boolean;
}

export interface EngineOptions {
  readonly plan: Plan;
  /** Absent in a dry run: nothing is sent. */
  readonly api?: PolyvApi;
  /** Absent in a dry run: nothing is written. */
  readonly journal?: Journal;
  /** The journal's records from earlier runs of the same run id (resume). */
  readonly prior?: readonly JournalRecord[];
  readonly clock: EngineClock;
  readonly signal: AbortSignal;
  readonly onEvent?: (e: EngineEvent) => void;
  /** How late an action may start before it counts as *missed* and its policy decides. Default 2 s. */
  readonly missedAfterMs?: number;
  /** Units in flight at once. Default 128. */
  readonly concurrency?: number;
  /** Rehearse the first burst of messages in-process before it is due (PolyvApi.rehearse). Default true. */
  readonly rehearse?: boolean;
  /**
   * Stage each message's call at its instant's commit, INTENT_AHEAD_MS ahead, short of the last byte
   * (PolyvApi.stage). Default true; false sends each call whole at the instant (for measuring).
   */
  readonly stage?: boolean;
  /**
   * Called once an instant's calls are committed and signed, INTENT_AHEAD_MS before it: the moment
   * for the host process to collect its young garbage, so that a collection does not pause the burst
   * itself (the CLI's `run` passes one; see src/cli/gc-ahead.ts). Never called in a dry run.
   */
  readonly beforeInstant?: () => void;
}

/**
 * Runs a plan: waits for each unit's time (never early), writes the intents of everything due at
 * that instant in one fsynced journal write, then dispatches the calls concurrently (the client's
 * shared limiter paces them), and journals each outcome. A resumed run skips what the journal says
 * is done and reports, by id, what has an intent and no outcome (ambiguous) unless the step's policy
 * says to resend. Ctrl-C (the signal) stops scheduling; calls in flight finish and are journaled.
 */
export async function runEngine(o: EngineOptions): Promise<RunSummary> {
  const { plan, clock } = o;
  // While a burst is being handed to the network, events wait (in order): printing a hundred progress
  // lines first would delay the last call by the time it takes to print them.
  let held: EngineEvent[] | undefined;
  const emit = (e: EngineEvent): void => void (held ? held.push(e) : o.onEvent?.(e));
  const release = (): void => {
    const events = held ?? [];
    held = undefined;
    for (const e of events) o.onEvent?.(e);
  };
  const units = unitsOf(plan);
  const { units: past, checkpoints } = replay(o.prior ?? []);
  const resumed = (o.prior ?? []).some((r) => r.t === 'run-start');
  const reports = new Map<string, ActionReport>();
  for (const a of plan.actions) {
    const unit = a.kind === 'checkin' ? a.batchId : a.id;
    reports.set(a.id, { id: a.id, unit, kind: a.kind, channelId: a.channelId, plannedAt: a.kind === 'checkin' ? a.startsAt : a.at, result: 'pending' });
  }
  const setResult = (u: Unit, result: UnitResult, extra: { latenessMs?: number; message?: string; failedActions?: readonly string[] } = {}): void => {
    for (const id of actionIdsOf(u)) {
      const r = reports.get(id)!;
      // In a batch, `failedActions` names the check-ins the outcome is about; after a re-send that left
      // some unconfirmed (ambiguous), the others were confirmed.
      r.result = extra.failedActions && result === 'ambiguous' && !extra.failedActions.includes(id) ? 'ok' : result;
      if (extra.latenessMs !== undefined) r.latenessMs = extra.latenessMs;
      if (extra.message !== undefined) r.message = extra.message;
    }
  };
  const record = (u: Unit, result: UnitResult, extra: { latenessMs?: number; message?: string; code?: number | string; failedActions?: readonly string[] } = {}): Promise<void> => {
    setResult(u, result, extra);
    emit({ type: 'outcome', unit: u.id, result, actions: actionIdsOf(u), ...extra });
    return o.journal ? o.journal.appendLater({ t: 'outcome', unit: u.id, at: Date.now(), result, ...extra }) : Promise.resolve();
  };

  // What the journal already knows.
  const queue: Unit[] = [];
  const verify = new Set<string>();
  const writes: Promise<void>[] = [];
  for (const u of units) {
    const state = past.get(u.id);
    if (state?.outcome) {
      setResult(u, state.outcome.result, { ...(state.outcome.latenessMs !== undefined ? { latenessMs: state.outcome.latenessMs } : {}), ...(state.outcome.message ? { message: state.outcome.message } : {}), ...(state.outcome.failedActions ? { failedActions: state.outcome.failedActions } : {}) });
      emit({ type: 'skip-done', unit: u.id, actions: actionIdsOf(u) });
      continue;
    }
    if (state?.intent && u.kind === 'checkinBatch') {
      // A batch cut off by a crash is settled by sending it again (see registerBatch).
      verify.add(u.id);
      queue.push(u);
      continue;
    }
    if (state?.intent && u.kind !== 'export' && policyOf(u).ambiguous !== 'resend') {
      // Sent, perhaps: the platform may have it. Never resent unless the step's policy says so.
      writes.push(record(u, 'ambiguous', { message: 'the previous run crashed after sending this call and before recording its answer; not resent (policy ambiguous: report)' }));
      continue;
    }
    queue.push(u);
  }
  emit({ type: 'start', runId: plan.runId, units: units.length, resumed, at: clock.now() });
  let rehearsal: 'pending' | 'done' = o.api && o.rehearse !== false ? 'pending' : 'done';

  const limit = o.concurrency ?? 128;
  const inflight = new Set<Promise<void>>();
  const missedAfter = o.missedAfterMs ?? 2000;
  let interrupted = false;
  let next = 0;
  // Intents are made durable a little *before* their instant (one fsync for everything due then), and
  // the messages due then are signed and staged at the same moment — written to their connections
  // short of the last byte (PolyvApi.stage) — so neither the disk, the signing nor the requests'
  // writing is on the critical path at the instant itself: it writes one byte per call. A crash in
  // that window leaves an intent with no call: reported ambiguous, never resent — the safe side.
  const committed = new Set<string>();
  /** Units whose instant came: sent, skipped or failed, each with an outcome of its own. */
  const started = new Set<string>();
  const staged = new Map<string, StagedCall>();
  /** What each committed unit calls, for its dispatch event: written ahead, like the call itself. */
  const described = new Map<string, string>();
  const commitAhead = (until: number): void => {
    const batch: Unit[] = [];
    for (let i = next; i < queue.length && queue[i]!.at <= until; i += 1) if (!committed.has(queue[i]!.id)) batch.push(queue[i]!);
    if (batch.length === 0) return;
    o.journal?.appendDurable(batch.map((u) => ({ t: 'intent' as const, unit: u.id, at: Date.now() })));
    for (const u of batch) {
      committed.add(u.id);
      described.set(u.id, describeUnit(u));
      if (o.api && u.kind === 'message') staged.set(u.id, stageMessage(o.api, u));
    }
  };
  // Connections for an instant's calls are opened ahead of it: a handshake per call at the instant
  // would make a burst late (on the real platform, a TLS handshake is tens of milliseconds).
  let warmedFor = -Infinity;
  let lastInstant = -Infinity;
  const preconnect = (at: number): void => {
    let n = 0;
    for (let i = next; i < queue.length && queue[i]!.at <= at + BURST_WINDOW_MS; i += 1) n += 1;
    warmedFor = at;
    o.api?.preconnect(n);
  };
  while (next < queue.length) {
    try {
      if (rehearsal === 'pending') rehearsal = await rehearseFirstBurst(o.api!);
      const at = queue[next]!.at;
      if (o.api && at > warmedFor) {
        // Not while the previous instant's calls are still being written and answered: opening
        // sockets then would slow them, and their connections, idle again soon, may be all we need.
        const from = Math.min(Math.max(at - PRECONNECT_AHEAD_MS, lastInstant + SETTLE_MS), at - INTENT_AHEAD_MS);
        if (from > clock.now()) await clock.sleepUntil(from, o.signal);
        preconnect(at);
      }
      await clock.sleepUntil(at - INTENT_AHEAD_MS, o.signal);
      if (!o.signal.aborted && at - clock.now() <= INTENT_AHEAD_MS + 5) {
        commitAhead(at);
        if (o.api) o.beforeInstant?.();
      }
      await clock.sleepUntil(at, o.signal);
    } catch {
      interrupted = true;
      break;
    }
    if (o.signal.aborted) {
      interrupted = true;
      break;
    }
    const now = clock.now();
    const due: Unit[] = [];
    while (next < queue.length && queue[next]!.at <= now) due.push(queue[next++]!);
    for (const u of due) started.add(u.id);
    const go: { u: Unit; lateness: number; drop: readonly string[] }[] = [];
    for (const u of due) {
      const lateness = now - u.at;
      const p = policyOf(u);
      const missed = lateness > missedAfter && (p.missed === 'skip' || (p.missed === 'grace' && lateness > p.graceSeconds * 1000));
      // Exports run late rather than not at all; a late check-in registration is harmless while the
      // check-ins are still ahead (those already started are dropped below).
      if (missed && u.kind === 'message') {
        staged.get(u.id)?.cancel();
        staged.delete(u.id);
        writes.push(record(u, 'skipped', { latenessMs: lateness, message: `missed: ${Math.round(lateness / 1000)} s late (policy missed: ${p.missed})` }));
        continue;
      }
      // Check-ins whose start has passed cannot be registered (the platform needs a future delayTime).
      const drop = u.kind === 'checkinBatch' ? u.checkins.filter((c) => c.startsAt <= now + 1000).map((c) => c.id) : [];
      if (u.kind === 'checkinBatch' && drop.length === u.checkins.length) {
        writes.push(record(u, 'skipped', { latenessMs: lateness, message: 'missed: every check-in of this batch has already started' }));
        continue;
      }
      go.push({ u, lateness, drop });
    }
    // Anything not committed ahead (a late start, a resume) is committed now, before any call goes out.
    const late = go.filter((g) => !committed.has(g.u.id));
    o.journal?.appendDurable(late.map((g) => ({ t: 'intent' as const, unit: g.u.id, at: Date.now() })));
    // Each execute puts its call on the wire before returning: a staged call's last byte is written at
    // once; a call sent whole (committed late, or staging off) is written by undici on a reused
    // connection in the next check phase. The events wait until then: `release` is queued after the
    // loop, so it runs after those writes.
    if (o.api && !held) held = [];
    lastInstant = now;
    for (const g of go) {
      while (inflight.size >= limit) await Promise.race(inflight);
      const p = execute(g.u, g.drop).finally(() => inflight.delete(p));
      // A journal that cannot be written (a full disk) fails execute; the error surfaces where
      // `inflight` is awaited, not as an unhandled rejection that kills the process first.
      p.catch(() => undefined);
      inflight.add(p);
    }
    if (held) setImmediate(release);
  }
  // Units committed ahead whose instant never came (Ctrl-C) sent nothing — a staged call is given up
  // short of its last byte — so their intents are withdrawn: a resumed run sends them, rather than
  // reporting them ambiguous.
  for (const call of staged.values()) call.cancel();
  staged.clear();
  const withdrawn = [...committed].filter((id) => !started.has(id));
  try {
    o.journal?.appendDurable(withdrawn.map((unit) => ({ t: 'withdrawn' as const, unit, at: Date.now() })));
  } catch {
    // The journal cannot be written: the intents stay, and a resumed run reports those units
    // ambiguous — the safe side.
  }
  await Promise.all(inflight);
  release();
  await Promise.all(writes);
  // A signal during the work after the last instant (an export still running) interrupts the run too.
  if (o.signal.aborted) interrupted = true;
  if (o.journal) await o.journal.appendLater({ t: 'run-stop', at: Date.now(), reason: interrupted ? 'interrupted' : 'finished' });
  emit({ type: 'stop', reason: interrupted ? 'interrupted' : 'finished' });
  return { runId: plan.runId, actions: [...reports.values()], interrupted, resumed };

  async function execute(u: Unit, drop: readonly string[]): Promise<void> {
    const at = Date.now();
    const latenessMs = at - u.at;
    // A message goes to the network first (synchronously, as prepared), and is announced after.
    const sending = o.api && u.kind === 'message' ? sendMessage(o.api, u) : undefined;
    emit({ type: 'dispatch', unit: u.id, kind: u.kind, actions: actionIdsOf(u), plannedAt: u.at, at, latenessMs, call: described.get(u.id) ?? describeUnit(u) });
    described.delete(u.id);
    if (!o.api) {
      await record(u, 'ok', { latenessMs, message: 'dry run: not sent' });
      return;
    }
    const api = o.api;
    try {
      if (u.kind === 'message') {
        await sending;
        await record(u, 'ok', { latenessMs });
      } else if (u.kind === 'checkinBatch') {
        const send = u.checkins.filter((c) => !drop.includes(c.id));
        await registerBatch(api, u, send, drop, latenessMs, verify.has(u.id));
      } else {
        await runExportUnit(api, u);
        await record(u, 'ok', { latenessMs });
      }
    } catch (err) {
      // An export stopped by Ctrl-C is left without an outcome: the resumed run redoes it from its checkpoint.
      if (u.kind === 'export' && o.signal.aborted) return;
      const endpoint = u.kind === 'message' ? 'sendCustomMessage' : u.kind === 'checkinBatch' ? 'batchCheckin' : 'getSpeakList';
      const result = u.kind === 'export' ? 'failed' : outcomeOf(endpoint, err);
      const code = err instanceof PolyvApiError ? err.platformCode : (err as { code?: string }).code;
      await record(u, result, { latenessMs, message: err instanceof Error ? err.message : String(err), ...(code !== undefined ? { code } : {}) });
    }
  }

  /**
   * The first burst of messages runs on cold code (see PolyvApi.rehearse); its calls are rehearsed
   * against an in-process stand-in in the first gap of at least REHEARSAL_BUDGET_MS +
   * REHEARSAL_CLEAR_MS before the next unit (after a check-in registration due at run start, say),
   * so that the rehearsal never delays anything. 'pending' until there was such a gap or the first
   * message is next; bounded by REHEARSAL_BUDGET_MS and by Ctrl-C; nothing is journaled or sent to
   * the platform.
   */
  async function rehearseFirstBurst(api: PolyvApi): Promise<'pending' | 'done'> {
    let first = next;
    while (first < queue.length && queue[first]!.kind !== 'message') first += 1;
    if (first >= queue.length) return 'done';
    if (queue[next]!.at - clock.now() < REHEARSAL_BUDGET_MS + REHEARSAL_CLEAR_MS) return first === next ? 'done' : 'pending';
    // The queue is in time order: the burst is the messages from the first one to the end of its window.
    const burst: ApiRequest[] = [];
    for (let i = first; i < queue.length && queue[i]!.at <= queue[first]!.at + BURST_WINDOW_MS; i += 1) {
      const u = queue[i]!;
      if (u.kind === 'message') burst.push(u.action.request);
    }
    const calls: ApiRequest[] = [];
    for (let i = 0; calls.length < Math.min(REHEARSAL_MAX_CALLS, Math.max(REHEARSAL_MIN_CALLS, burst.length)); i += 1) calls.push(burst[i % burst.length]!);
    await api.rehearse(calls, { signal: AbortSignal.any([o.signal, AbortSignal.timeout(REHEARSAL_BUDGET_MS)]) });
    return 'done';
  }

  /** Signs a message's call now and stages it (or only keeps it, with `stage: false`) for its instant. */
  function stageMessage(api: PolyvApi, u: Extract<Unit, { kind: 'message' }>): StagedCall {
    const call = api.prepare(u.action.request);
    const options = { stepId: u.action.stepId };
    return o.stage === false ? { send: () => api.send(call, options), cancel: () => undefined } : api.stage(call, options);
  }

  /** Sends a message unit as staged ahead (or prepared now, when its instant came without a commit ahead). */
  async function sendMessage(api: PolyvApi, u: Extract<Unit, { kind: 'message' }>): Promise<void> {
    const call = staged.get(u.id);
    staged.delete(u.id);
    await (call ? call.send() : api.send(api.prepare(u.action.request), { stepId: u.action.stepId }));
  }

  /**
   * Registers a batch of check-ins. They are the one call whose fate can be settled after the fact:
   * the platform refuses a check-in that overlaps another on its channel — its own earlier copy
   * included — so re-sending a batch whose first answer was lost can never register anything twice.
   * On such a re-send (`verifying`), a 1099 names the check-ins the lost call did register; the others
   * are sent once more.
   */
  async function registerBatch(api: PolyvApi, u: Extract<Unit, { kind: 'checkinBatch' }>, send: readonly CheckinAction[], drop: readonly string[], latenessMs: number, verifying = false): Promise<void> {
    let confirmed: string[] = [];
    try {
      if (send.length > 0) await api.batchCheckin(send.map((c) => c.item), { stepId: u.id });
    } catch (err) {
      const named = err instanceof PolyvApiError && err.platformCode === 1099 ? indicesOf(err, send) : undefined;
      if (!named) {
        if (!verifying && outcomeOf('batchCheckin', err) === 'ambiguous') {
          // Give a slow first call time to land, then settle it by sending again.
          await new Promise((resolve) => setTimeout(resolve, VERIFY_AFTER_MS));
          return registerBatch(api, u, send, drop, latenessMs, true);
        }
        throw err;
      }
      if (!verifying) {
        await record(u, 'failed', { latenessMs, code: 1099, failedActions: named, message: (err as Error).message });
        for (const c of send) {
          const r = reports.get(c.id)!;
          r.message = named.includes(c.id) ? `rejected by the platform (1099): overlaps or is within 5 s of another check-in on channel ${c.channelId}` : `not registered: the batch was rejected because of ${named.join(', ') || 'another check-in'} (1099)`;
        }
        return;
      }
      confirmed = named;
      const rest = send.filter((c) => !named.includes(c.id));
      if (rest.length > 0) {
        try {
          await api.batchCheckin(rest.map((c) => c.item), { stepId: u.id });
        } catch (err2) {
          const result = outcomeOf('batchCheckin', err2);
          await record(u, result, { latenessMs, failedActions: rest.map((c) => c.id), message: `${rest.length} check-in(s) still not confirmed: ${(err2 as Error).message}` });
          for (const id of confirmed) Object.assign(reports.get(id)!, { result: 'ok', message: 'registered (the platform refused the duplicate re-send, 1099)' });
          return;
        }
      }
    }
    await record(u, 'ok', { latenessMs, ...(verifying ? { message: 'registered; the first answer was lost, so the batch was sent again — the platform refuses duplicates, so nothing was registered twice' } : {}) });
    for (const id of drop) {
      Object.assign(
        reports.get(id)!,
        verifying
          ? { result: 'ambiguous', message: 'the check-in had started before its registration could be confirmed' }
          : { result: 'skipped', message: 'missed: the check-in had already started when it could be registered' },
      );
    }
  }

  async function runExportUnit(api: PolyvApi, u: Extract<Unit, { kind: 'export' }>): Promise<void> {
    const a = u.action;
    const date = DateTime.fromMillis(plan.event.start, { zone: plan.event.zone }).toFormat('yyyyLLdd');
    const port = <T>(): CheckpointPort<T> => ({
      load: () => checkpoints.get(u.id) as T | undefined,
      save: async (data: T) => {
        checkpoints.set(u.id, data);
        if (o.journal) await o.journal.appendLater({ t: 'checkpoint', unit: u.id, at: Date.now(), data });
      },
    });
    const common = { channelId: a.channelId, outDir: a.outDir, date, stepId: a.stepId, signal: o.signal };
    if (a.kind === 'chatExport') await runChatExport(api, common, port<ExportDone>());
    else if (a.kind === 'reportExport') await runReportExport(api, { ...common, sessionId: a.sessionId, deadline: u.at + a.deadlineMs }, port<ExportDone>());
    else
      await runHistoryExport(
        api,
        { ...common, from: a.from, to: a.to, format: a.format, pageSize: a.pageSize, onProgress: (p) => emit({ type: 'export-progress', unit: u.id, ...p }) },
        port<HistoryCheckpoint>(),
      );
  }
}

function policyOf(u: Unit): { missed: string; graceSeconds: number; ambiguous: string } {
  return u.kind === 'checkinBatch' ? u.checkins[0]!.policy : u.action.policy;
}

/** "POST /path channelId=…": what a unit calls, for dry runs and logs. No credential, no sign. */
function describeUnit(u: Unit): string {
  const req: ApiRequest =
    u.kind === 'message'
      ? u.action.request
      : u.kind === 'checkinBatch'
        ? { endpoint: 'batchCheckin', method: 'POST', path: '/live/v4/chat/batch-checkin', signed: {}, signedIn: 'query', json: u.checkins.map((c) => c.item) }
        : u.action.kind === 'historyExport'
          ? getSpeakListRequest({ userId: '<userId>', startTime: u.action.from, endTime: u.action.to, size: u.action.pageSize })
          : u.action.request;
  const params = Object.entries(req.signed).map(([k, v]) => `${k}=${v}`);
  const form = req.form ? Object.entries(req.form).map(([k, v]) => `${k}=${v}`) : [];
  return `${req.method} ${req.path}?${[...params, 'appId=<appId>', 'timestamp=<now>', 'sign=<redacted>'].join('&')}${form.length ? ` form: ${form.join('&')}` : ''}${req.json !== undefined ? ` json: ${JSON.stringify(req.json)}` : ''}`;
}

/** "签到失败: 序号为[0,2],…": the indices, as the ids of the check-ins sent in that order. */
function indicesOf(err: PolyvApiError, send: readonly CheckinAction[]): string[] {
  const m = /\[([\d,\s]+)\]/.exec(err.platformMessage);
  return (m?.[1] ?? '')
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((n) => Number.isInteger(n))
    .map((i) => send[i]?.id)
    .filter((x): x is string => Boolean(x));
}
