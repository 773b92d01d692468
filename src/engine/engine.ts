import { msg, type Msg } from '../i18n/index.js';
import type { JournalWriter } from '../journal/writer.js';
import type { JournalRecord } from '../journal/records.js';
import type { Plan } from '../plan/types.js';
import type { PolyvApi } from '../transport/api.js';
import type { EngineClock } from './clock.js';
import { redactedCallLine } from '../polyv/redacted-call.js';
import { requestOf } from './describe-call.js';
import { CheckinDispatcher } from './dispatch-checkins.js';
import { ExportDispatcher } from './dispatch-export.js';
import { MessageDispatcher } from './dispatch-message.js';
import type { EngineEvent } from './events.js';
import { RunState, type RunSummary } from './run-state.js';
import { runSchedule } from './scheduler.js';
import { actionIdsOf, policyOf, unitsOf, type Unit } from './units.js';

export type { ActionReport, RunSummary } from './run-state.js';

export interface EngineOptions {
  readonly plan: Plan;
  /** Absent in a dry run: nothing is sent. */
  readonly api?: PolyvApi;
  /** Absent in a dry run: nothing is written. */
  readonly journal?: JournalWriter;
  /** The journal's records from earlier runs of the same run id (resume). */
  readonly prior?: readonly JournalRecord[];
  /** The lesson's clock: the platform's (see platformClock), or a virtual one for dry runs. */
  readonly clock: EngineClock;
  readonly signal: AbortSignal;
  readonly onEvent?: (e: EngineEvent) => void;
  /** How late an action may start before it counts as *missed* and its policy decides. Default 2 s. */
  readonly missedAfterMs?: number;
  /** Units in flight at once. Default 128. */
  readonly concurrency?: number;
}

/**
 * Runs a plan: the scheduler waits for each instant (never early); the transport is told of an
 * instant's calls a little ahead (PolyvApi.prepareBurst); the intents of everything due then are
 * made durable in one fsynced write just ahead; at the instant the calls are handed to the
 * dispatchers (one per kind of unit), which send them and journal each outcome. A resumed run skips
 * what the journal says is done and reports, by id, what has an intent and no outcome (ambiguous)
 * unless the step's policy says to resend. Ctrl-C (the signal) stops scheduling; calls in flight
 * finish and are journaled; intents committed for an instant that did not come are withdrawn.
 */
export async function runEngine(o: EngineOptions): Promise<RunSummary> {
  const { plan, clock, api, journal, signal } = o;
  // While a burst is handed to the network, events wait (in order): printing a hundred progress
  // lines first would delay the last call by the time it takes to print them.
  let held: EngineEvent[] | undefined;
  const emit = (e: EngineEvent): void => void (held ? held.push(e) : o.onEvent?.(e));
  const release = (): void => {
    const events = held ?? [];
    held = undefined;
    for (const e of events) o.onEvent?.(e);
  };
  const state = new RunState(plan, journal, emit);
  const units = unitsOf(plan);
  const restored = state.restore(units, o.prior ?? []);
  emit({ type: 'start', runId: plan.runId, units: units.length, resumed: restored.resumed, at: clock.now() });

  const engineTime = (localMs: number): number => localMs + (clock.now() - Date.now());
  const missedAfter = o.missedAfterMs ?? 2000;
  /** Why a unit this late is not sent (its step's `missed` policy), or undefined when it still goes. */
  const missed = (u: Unit, latenessMs: number): Msg | undefined => {
    const p = policyOf(u);
    const skip = latenessMs > missedAfter && (p.missed === 'skip' || (p.missed === 'grace' && latenessMs > p.graceSeconds * 1000));
    return skip ? msg('error.outcome.missedLate', { seconds: String(Math.round(latenessMs / 1000)), policy: p.missed }) : undefined;
  };
  const messages = api ? new MessageDispatcher(api, state, engineTime, missed) : undefined;
  const checkins = api ? new CheckinDispatcher(api, state, restored.verify, signal) : undefined;
  const exports = api ? new ExportDispatcher(api, plan, state, journal, restored.checkpoints, signal, emit) : undefined;
  const limit = o.concurrency ?? 128;
  const inflight = new Set<Promise<void>>();
  const committed = new Set<string>();
  const fired = new Set<string>();

  // A journal that writes synchronously (the file) is not awaited: no extra turn before a burst. One
  // that cannot (Redis) returns a promise, and nothing is sent before it resolves.
  const commit = (batch: readonly Unit[]): void | Promise<void> => {
    const fresh = batch.filter((u) => !committed.has(u.id));
    if (fresh.length === 0) return;
    const written = journal?.appendDurable(fresh.map((u) => ({ t: 'intent' as const, unit: u.id, at: Date.now() })));
    const note = (): void => void fresh.forEach((u) => committed.add(u.id));
    if (written) return written.then(note);
    note();
  };

  const writes: Promise<void>[] = [];
  const dispatch = (u: Unit, latenessMs: number, drop: readonly string[]): Promise<void> => {
    if (u.kind === 'message') return messages!.dispatch(u, latenessMs);
    if (u.kind === 'checkinBatch') return checkins!.dispatch(u, drop, latenessMs);
    return exports!.dispatch(u, latenessMs);
  };

  const fire = async (due: readonly Unit[], now: number): Promise<void> => {
    const go: { u: Unit; latenessMs: number; drop: readonly string[] }[] = [];
    for (const u of due) {
      fired.add(u.id);
      const latenessMs = now - u.at;
      // Exports run late rather than not at all; a late check-in registration is harmless while the
      // check-ins are still ahead (those already started are dropped).
      const skip = u.kind === 'message' ? missed(u, latenessMs) : undefined;
      if (skip) {
        writes.push(state.record(u, 'skipped', { latenessMs, text: skip }));
        continue;
      }
      // Check-ins whose start has passed cannot be registered (the platform needs a future delayTime).
      const drop = u.kind === 'checkinBatch' ? u.checkins.filter((c) => c.startsAt <= now + 1000).map((c) => c.id) : [];
      if (u.kind === 'checkinBatch' && drop.length === u.checkins.length) {
        // After a crash the cut-off call may have registered them: unknown, not skipped.
        writes.push(
          restored.verify.has(u.id)
            ? state.record(u, 'ambiguous', { latenessMs, text: msg('error.outcome.batchStartedUnconfirmed') })
            : state.record(u, 'skipped', { latenessMs, text: msg('error.outcome.batchStarted') }),
        );
        continue;
      }
      go.push({ u, latenessMs, drop });
    }
    // Anything not committed ahead (a late start, a resume) is committed now, before any call goes out.
    const writing = commit(go.map((g) => g.u));
    if (writing) {
      await writing;
      // A journal that took its time (Redis coming back from an outage): a message that became too
      // late meanwhile follows its missed policy — its intent is written, nothing was sent, and its
      // outcome says so.
      const after = clock.now();
      for (let i = go.length - 1; i >= 0; i -= 1) {
        const g = go[i]!;
        const skip = g.u.kind === 'message' ? missed(g.u, after - g.u.at) : undefined;
        if (!skip) continue;
        writes.push(state.record(g.u, 'skipped', { latenessMs: after - g.u.at, text: skip }));
        go.splice(i, 1);
      }
    }
    const at = clock.now();
    const announce = (g: (typeof go)[number]): void =>
      emit({
        type: 'dispatch',
        unit: g.u.id,
        kind: g.u.kind,
        actions: actionIdsOf(g.u),
        plannedAt: g.u.at,
        at,
        latenessMs: g.latenessMs,
        call: redactedCallLine(requestOf(g.u)),
      });
    if (!api) {
      for (const g of go) {
        announce(g);
        writes.push(state.record(g.u, 'ok', { latenessMs: g.latenessMs, text: msg('error.outcome.dryRun') }));
      }
      return;
    }
    held ??= [];
    for (const g of go) {
      while (inflight.size >= limit) await Promise.race(inflight);
      const p = dispatch(g.u, g.latenessMs, g.drop).finally(() => inflight.delete(p));
      // A journal that cannot be written (a full disk) fails a dispatch; the error surfaces where
      // `inflight` is awaited, not as an unhandled rejection that kills the process first.
      p.catch(() => undefined);
      inflight.add(p);
    }
    // undici writes the requests once this pass is over; what each unit calls is announced after
    // that (first, then the events held meanwhile).
    setImmediate(() => {
      const meanwhile = held ?? [];
      held = [];
      for (const g of go) announce(g);
      held.push(...meanwhile);
      release();
    });
  };

  const scheduleInterrupted = await runSchedule(restored.queue, clock, signal, {
    prepare: (batch) => api?.prepareBurst(batch.filter((u) => u.kind === 'message').map((u) => u.action.request)),
    commit,
    fire,
  });
  // Units committed ahead whose instant never came (Ctrl-C) sent nothing: their intents are
  // withdrawn, so a resumed run sends them rather than reporting them ambiguous.
  const withdrawn = [...committed].filter((id) => !fired.has(id));
  try {
    await journal?.appendDurable(withdrawn.map((unit) => ({ t: 'withdrawn' as const, unit, at: Date.now() })));
  } catch {
    // The journal cannot be written: the intents stay, and a resumed run reports those units
    // ambiguous — the safe side.
  }
  await Promise.all(inflight);
  release();
  await Promise.all(writes);
  await state.pendingWrites();
  // A signal during the work after the last instant (an export still running) interrupts the run too.
  const interrupted = scheduleInterrupted || signal.aborted;
  if (journal) await journal.appendLater({ t: 'run-stop', at: Date.now(), reason: interrupted ? 'interrupted' : 'finished' });
  emit({ type: 'stop', reason: interrupted ? 'interrupted' : 'finished' });
  return state.summary(plan.runId, interrupted, restored.resumed);
}
