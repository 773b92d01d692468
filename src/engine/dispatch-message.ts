import { msg, type Msg } from '../i18n/index.js';
import type { PolyvApi } from '../transport/api.js';
import type { RunState } from './run-state.js';
import { failureOf } from './failure.js';
import type { Unit } from './units.js';

type MessageUnit = Extract<Unit, { kind: 'message' }>;

/**
 * Sends message units. On one channel, messages go out one after another — the next only once the
 * previous one's answer is in — so that messages due at the same instant arrive in the plan's order
 * (the author's); different channels go out together. A message whose channel is idle goes to the
 * transport at once, in the caller's pass.
 */
export class MessageDispatcher {
  /** Per channel, the message in flight (settled or not), for the next one to wait for. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly api: PolyvApi,
    private readonly state: RunState,
    /** The engine's time (the platform's) of a local `Date.now()` reading. */
    private readonly engineTime: (localMs: number) => number,
    /** Why a message this late is not sent any more (its `missed` policy), or undefined. */
    private readonly missed: (u: MessageUnit, latenessMs: number) => Msg | undefined,
  ) {}

  /** `latenessMs`: how late it was fired (reported if it fails: no attempt was accepted). */
  dispatch(u: MessageUnit, latenessMs: number): Promise<void> {
    const channel = u.action.channelId;
    const prev = this.tails.get(channel);
    const done = prev ? prev.then(() => this.sendAfterWaiting(u)) : this.send(u, latenessMs);
    this.tails.set(channel, done);
    const forget = (): void => {
      if (this.tails.get(channel) === done) this.tails.delete(channel);
    };
    // Both ways: a journal that cannot be written rejects `done`, and that must surface where the
    // dispatch is awaited, not as an unhandled rejection of this bookkeeping.
    void done.then(forget, forget);
    return done;
  }

  /** A message that waited for the one before it on its channel: its `missed` policy is asked again. */
  private async sendAfterWaiting(u: MessageUnit): Promise<void> {
    const latenessMs = this.engineTime(Date.now()) - u.at;
    const skip = this.missed(u, latenessMs);
    if (skip) return this.state.record(u, 'skipped', { latenessMs, text: msg('error.outcome.missedWaiting', { missed: skip, channel: u.action.channelId }) });
    return this.send(u, latenessMs);
  }

  /** Never rejects: the outcome, whatever it is, is recorded. */
  private async send(u: MessageUnit, firedLateness: number): Promise<void> {
    try {
      const delivered = await this.api.send(u.action.request, { stepId: u.action.stepId });
      // Lateness counts to the attempt the platform accepted, not the first.
      await this.state.record(u, 'ok', { latenessMs: this.engineTime(delivered.sentAt) - u.at });
    } catch (err) {
      const f = failureOf('sendCustomMessage', err);
      await this.state.record(u, f.result, { latenessMs: firedLateness, message: f.message, text: f.text, ...(f.code !== undefined ? { code: f.code } : {}) });
    }
  }
}
