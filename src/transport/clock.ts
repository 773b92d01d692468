import { formatMessage, msg, type Msg } from '../i18n/index.js';

/** A Date header further than this from the local clock is ignored (see PlatformClock.observe). */
export const MAX_PLAUSIBLE_SKEW_MS = 24 * 3600 * 1000;

/**
 * Keeps the platform's clock as an offset from ours, read from responses' `Date` headers. The
 * platform refuses timestamps more than 3 minutes off its own, and the lesson runs on its clock.
 *
 * `Date` has one-second resolution, so each answer only bounds the offset: the header's second
 * began somewhere between the request's sending and the answer's arrival. The bounds of successive
 * answers are intersected (they narrow as answers fall at different moments of a second), and the
 * offset used is the *lower* bound: the platform's time as estimated is then never ahead of the
 * real one, so nothing scheduled by it fires early. Bounds that contradict what is known (a clock
 * that jumped), or a refused timestamp (`force`), start afresh. While the bounds include zero, the
 * clocks cannot be told apart and no offset is applied (a skew smaller than what the answers resolve,
 * at most a second, is not corrected).
 */
export class PlatformClock {
  private lo = 0;
  private hi = 0;
  private offsetMs = 0;
  private synced = false;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** The platform's time, as best known (never ahead of it, as far as the answers tell). */
  now(): number {
    return this.localNow() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }

  get isSynced(): boolean {
    return this.synced;
  }

  /**
   * Records a response's Date header; `sentAt`/`receivedAt` are local times around the exchange.
   * A date more than MAX_PLAUSIBLE_SKEW_MS from the local clock is not believed (a broken proxy or
   * server clock would otherwise move every later timestamp): it is ignored and 'implausible' says so.
   */
  observe(dateHeader: string | undefined, sentAt: number, receivedAt: number, force = false): 'used' | 'absent' | 'implausible' {
    if (!dateHeader) return 'absent';
    const server = Date.parse(dateHeader);
    if (!Number.isFinite(server)) return 'implausible';
    // The platform's clock read `server` (truncated to the second) at some moment in [sentAt, receivedAt].
    const lo = server - receivedAt;
    const hi = server + 1000 - sentAt;
    if (Math.abs((lo + hi) / 2) > MAX_PLAUSIBLE_SKEW_MS) return 'implausible';
    if (force || !this.synced || lo > this.hi || hi < this.lo) {
      this.lo = lo;
      this.hi = hi;
    } else {
      this.lo = Math.max(this.lo, lo);
      this.hi = Math.min(this.hi, hi);
    }
    this.synced = true;
    // While the bounds hold 0, the answers cannot tell this clock from the platform's: none is assumed.
    this.offsetMs = this.lo <= 0 && this.hi >= 0 ? 0 : Math.floor(this.lo);
    return 'used';
  }
}

/** "this machine's clock is 10m 3s ahead of the platform's" / "behind": for an error or a notice that names the measured skew. */
export function skewMsg(offsetMs: number): Msg {
  const abs = Math.abs(offsetMs);
  const m = Math.floor(abs / 60000);
  const s = Math.round((abs % 60000) / 1000);
  const skew = m > 0 ? msg('error.clock.minutesSeconds', { m: String(m), s: String(s) }) : msg('error.clock.seconds', { s: String(s) });
  return msg(offsetMs > 0 ? 'error.clock.behind' : 'error.clock.ahead', { skew });
}

/** skewMsg in English (for callers that still build English text). */
export function describeSkew(offsetMs: number): string {
  return formatMessage(skewMsg(offsetMs), 'en');
}
