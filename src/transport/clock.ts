/**
 * Keeps the platform's clock as an offset from ours, read from each response's `Date` header.
 * The platform refuses timestamps more than 3 minutes off its own; a machine whose clock drifted
 * would otherwise fail every call. `Date` has one-second resolution, so the offset is only updated
 * when it moves by more than a second and a half — no jitter from rounding.
 */
/** A Date header further than this from the local clock is ignored (see PlatformClock.observe). */
export const MAX_PLAUSIBLE_SKEW_MS = 24 * 3600 * 1000;

export class PlatformClock {
  private offsetMs = 0;
  private synced = false;

  constructor(private readonly localNow: () => number = Date.now) {}

  /** The platform's time, as best known. */
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
    // The header truncates to the second: its true value lies in [server, server + 1000).
    const estimate = server + 500 - (sentAt + receivedAt) / 2;
    if (Math.abs(estimate) > MAX_PLAUSIBLE_SKEW_MS) return 'implausible';
    if (force || !this.synced || Math.abs(estimate - this.offsetMs) > 1500) {
      this.offsetMs = Math.abs(estimate) < 1500 ? 0 : Math.round(estimate);
      this.synced = true;
    }
    return 'used';
  }
}

/** "10m 3s ahead of" / "behind": for an error that names the measured skew. */
export function describeSkew(offsetMs: number): string {
  const abs = Math.abs(offsetMs);
  const m = Math.floor(abs / 60000);
  const s = Math.round((abs % 60000) / 1000);
  const text = m > 0 ? `${m}m ${s}s` : `${s}s`;
  return offsetMs > 0 ? `this machine's clock is ${text} behind the platform's` : `this machine's clock is ${text} ahead of the platform's`;
}
