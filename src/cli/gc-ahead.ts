import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options?: { readonly type?: 'minor' | 'major' }) => void;

/**
 * A young-generation collection to run just before an instant's burst (EngineOptions.beforeInstant).
 *
 * V8 collects its young generation when it fills, wherever the program happens to be. Sending a
 * hundred calls allocates a few MB; a collection that falls inside a burst pauses it (seen: 1–3 ms,
 * just as the first calls are handed to the network). Collecting 50 ms ahead, when the process is
 * only waiting, leaves the young generation nearly empty when the instant comes. An empty one costs
 * ~0.3 ms to collect.
 *
 * V8's `gc()` is exposed the documented way, by its flag, set at run time, and fetched from a fresh
 * context (the flag only affects contexts created after it). Only the `runbook run` command, which
 * owns its process, does this; a library never changes its host's V8. `RUNBOOK_NO_GC_AHEAD=1` turns
 * it off. If this V8 offers no `gc`, nothing is collected ahead and the run is otherwise the same.
 */
export function youngCollectorAhead(env: Readonly<Record<string, string | undefined>>): (() => void) | undefined {
  if (env['RUNBOOK_NO_GC_AHEAD'] === '1') return undefined;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof gc !== 'function') return undefined;
    return () => (gc as GcFunction)({ type: 'minor' });
  } catch {
    return undefined;
  }
}
