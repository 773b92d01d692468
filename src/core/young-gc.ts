import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options?: { readonly type?: 'minor' | 'major' }) => void;

/**
 * V8's young-generation collection, as a function to call at a moment the caller chooses, or
 * undefined when this V8 offers none.
 *
 * V8 collects its young generation when it fills, wherever the program happens to be: a collection
 * that falls inside a burst of calls pauses it for milliseconds. A process that knows when it is idle
 * (the runner just before an instant, the sandbox just after a burst) collects then instead, and the
 * burst starts with an empty young generation.
 *
 * `gc()` is exposed the documented way, by its flag, set at run time, and fetched from a fresh
 * context (the flag only affects contexts created after it). It changes the host's V8, so only a
 * command that owns its process calls this (the CLI's `run` and `sandbox`, the benchmarks' sandbox
 * process); the library never does on its own.
 */
export function youngCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof gc !== 'function') return undefined;
    return () => (gc as GcFunction)({ type: 'minor' });
  } catch {
    return undefined;
  }
}
