import type { CliHooks } from './context.js';
import { start } from './process-entry.js';

/**
 * The CLI with crash hooks, for the test suite and the benches only (bin/runbook-test-hooks.js; not
 * the package's bin): `RUNBOOK_TEST_CRASH_AFTER_WRITES=N` kills `run` (SIGKILL, no cleanup) after
 * its N-th durable journal write, `RUNBOOK_TEST_CRASH_AFTER_PAGES=N` kills `export history` after
 * N pages — to prove that a run and an export resume exactly.
 */
const die = (): void => void process.kill(process.pid, 'SIGKILL');
const afterWrites = Number(process.env['RUNBOOK_TEST_CRASH_AFTER_WRITES'] ?? 0);
const afterPages = Number(process.env['RUNBOOK_TEST_CRASH_AFTER_PAGES'] ?? 0);
const hooks: CliHooks = {
  ...(afterWrites > 0 ? { afterJournalWrite: (n: number) => (n >= afterWrites ? die() : undefined) } : {}),
  ...(afterPages > 0 ? { afterPage: (n: number) => (n >= afterPages ? die() : undefined) } : {}),
};
void start(hooks);
