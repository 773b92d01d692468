import { sleep } from '../core/sleep.js';
import { msg, type Msg } from '../i18n/index.js';
import type { CheckinAction } from '../plan/types.js';
import { checkinSpacingRule } from '../polyv/limits.js';
import { batchCheckinRequest } from '../polyv/requests.js';
import type { PolyvApi } from '../transport/api.js';
import { outcomeOf } from '../transport/classify.js';
import { PolyvApiError } from '../transport/errors.js';
import { failureOf } from './failure.js';
import type { ActionOutcome, RunState } from './run-state.js';
import type { Unit } from './units.js';

type BatchUnit = Extract<Unit, { kind: 'checkinBatch' }>;

/** How long to wait before re-sending a batch whose answer was lost (see CheckinDispatcher). */
const VERIFY_AFTER_MS = 2000;

/**
 * Registers check-in batches. A batch is the one call whose fate can be settled after the fact: the
 * platform refuses a check-in that overlaps another on its channel (1099, naming the refused ones by
 * their index in the call) — its own earlier copy included — so sending a batch again can never
 * register anything twice.
 *
 * - A 1099 on a call whose answer we had no reason to doubt names check-ins that collide with one
 *   already on the platform (someone else's): those *fail*, named; the others are sent again.
 * - When an answer was lost (or a crash cut the run off) the batch is sent again (`verifying`). A 1099
 *   then names check-ins that collide either with what the lost call registered or with someone
 *   else's; the documented calls cannot tell which, so those are *ambiguous*, never reported
 *   registered. The others are sent again.
 * - A check-in is reported registered only when a call that carried it was answered with success.
 */
export class CheckinDispatcher {
  constructor(
    private readonly api: PolyvApi,
    private readonly state: RunState,
    /** Batches cut off by a crash in an earlier run. */
    private readonly verify: ReadonlySet<string>,
    private readonly signal: AbortSignal,
  ) {}

  /** Registers what is still ahead of the batch; `drop` are check-ins already started (skipped). Never rejects. */
  async dispatch(u: BatchUnit, drop: readonly string[], latenessMs: number): Promise<void> {
    const results = new Map<string, ActionOutcome>();
    let verifying = this.verify.has(u.id);
    // A check-in already started cannot be registered now; after a crash, the cut-off call may have.
    for (const id of drop)
      results.set(
        id,
        verifying
          ? { result: 'ambiguous', text: msg('error.outcome.checkinStartedUnconfirmed') }
          : { result: 'skipped', text: msg('error.outcome.checkinStarted') },
      );
    let pending = u.checkins.filter((c) => !drop.includes(c.id));
    let resent = verifying;
    let lastError: unknown;
    // Each pass settles at least one check-in (a 1099 names at least one, or the pass ends the loop).
    for (let pass = 0; pending.length > 0 && pass <= u.checkins.length; pass += 1) {
      try {
        // The plan's own request while the batch is whole; a part of it is built from its check-ins.
        const req = pending.length === u.checkins.length ? u.request : batchCheckinRequest(pending.map((c) => c.item));
        await this.api.send(req, { stepId: u.id });
        for (const c of pending)
          results.set(c.id, {
            result: 'ok',
            ...(resent ? { text: msg('error.outcome.registeredOnResend') } : {}),
          });
        pending = [];
      } catch (err) {
        lastError = err;
        const named = err instanceof PolyvApiError && err.platformCode === 1099 ? namedBy(err, pending) : undefined;
        if (named && named.length > 0) {
          for (const c of named) results.set(c.id, verifying ? { result: 'ambiguous', text: ambiguousCollision(c) } : { result: 'failed', text: collision(c) });
          pending = pending.filter((c) => !named.includes(c));
          continue;
        }
        if (!verifying && outcomeOf('batchCheckin', err) === 'ambiguous' && !this.signal.aborted) {
          // Give a slow first call time to land, then settle it by sending again.
          verifying = true;
          resent = true;
          await sleep(VERIFY_AFTER_MS, this.signal).catch(() => undefined);
          if (this.signal.aborted) break;
          continue;
        }
        const f = failureOf('batchCheckin', err);
        // A 1099 that names no index: every check-in left is refused (or, after a lost answer, unknown).
        const result = named ? (verifying ? 'ambiguous' : 'failed') : verifying && f.result === 'failed' ? 'ambiguous' : f.result;
        for (const c of pending) results.set(c.id, { result, message: f.message, text: f.text });
        pending = [];
      }
    }
    // Interrupted while settling a lost answer: what is left may have been registered.
    for (const c of pending) results.set(c.id, { result: 'ambiguous', text: msg('error.outcome.batchInterrupted') });
    const f = lastError !== undefined ? failureOf('batchCheckin', lastError) : undefined;
    const notOk = [...results.entries()].filter(([, r]) => r.result !== 'ok' && r.result !== 'skipped').map(([id]) => id);
    await this.state.recordBatch(u, results, {
      latenessMs,
      ...(notOk.length > 0 && f
        ? {
            text: msg('error.outcome.batchNotRegistered', { failed: String(notOk.length), total: String(u.checkins.length), ids: notOk.join(', ') }),
            ...(f.code !== undefined ? { code: f.code } : {}),
          }
        : {}),
    });
  }
}

function collision(c: CheckinAction): Msg {
  return msg('error.outcome.collision', { channel: c.channelId, rule: checkinSpacingRule() });
}

function ambiguousCollision(c: CheckinAction): Msg {
  return msg('error.outcome.ambiguousCollision', { channel: c.channelId });
}

/** "签到失败: 序号为[0,2],…": the check-ins at those indices of the call. */
function namedBy(err: PolyvApiError, sent: readonly CheckinAction[]): CheckinAction[] {
  const m = /\[([\d,\s]+)\]/.exec(err.platformMessage);
  const indices = (m?.[1] ?? '')
    .split(',')
    .map((x) => Number(x.trim()))
    .filter((n) => Number.isInteger(n));
  return [...new Set(indices)].map((i) => sent[i]).filter((c): c is CheckinAction => c !== undefined);
}
