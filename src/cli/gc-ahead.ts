import { youngCollector } from '../core/young-gc.js';

/**
 * A young-generation collection to run just before an instant's burst (EngineOptions.beforeInstant),
 * or after the sandbox's bursts (SandboxOptions.onIdle); see youngCollector.
 *
 * Sending a hundred calls allocates a few MB; a collection that falls inside a burst pauses it (seen:
 * 1–3 ms, just as the first calls are handed to the network). Collecting 50 ms ahead, when the process
 * is only waiting, leaves the young generation nearly empty when the instant comes. An empty one costs
 * ~0.3 ms to collect. Only CLI commands, which own their process, do this. `RUNBOOK_NO_GC_AHEAD=1`
 * turns it off. If this V8 offers no `gc`, nothing is collected ahead and the run is otherwise the same.
 */
export function youngCollectorAhead(env: Readonly<Record<string, string | undefined>>): (() => void) | undefined {
  if (env['RUNBOOK_NO_GC_AHEAD'] === '1') return undefined;
  return youngCollector();
}
