/**
 * Whether a process of this host is running, for the lock's stale-holder check: signal 0 tests for
 * existence without touching it; EPERM means it exists but belongs to someone else.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
