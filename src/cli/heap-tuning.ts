import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation (both semi-spaces) is held at this size once it has grown to it. */
const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/**
 * Settings for a process whose job is to stream a large export: a small, flat memory footprint
 * rather than memory spent on speed it does not need. Measured on 1,000,000 history records
 * (bench/history-export.mjs; figures in bench/README.md): peak RSS ~125 MB without, ~90 MB with, at
 * the same speed. Where the memory went, and what each setting does:
 *
 * - `--liftoff-only`: undici parses HTTP with llhttp compiled to WebAssembly. Once llhttp is hot, V8
 *   recompiles it with its optimising compiler in a background thread, and for llhttp's large state
 *   machine that compilation takes ~35 MB (seen in that thread's malloc arena; `--no-wasm-tier-up`
 *   does not stop it in this V8). The baseline compiler's code is fast enough: the export ran no
 *   slower without the recompilation (the parser only skims a page's body for its length).
 * - The young generation is held at 2 × 4 MB instead of growing to V8's 2 × 16 MB: the export's
 *   garbage is short-lived (one page), so a small young generation is enough. V8 reads its growth
 *   factor each time it grows the young generation: it is set to 4 (1 MB → 4 MB in one step) and,
 *   once a collection shows the young generation at the cap, to 1. (Holding it at 1 MB instead cost
 *   17 % in speed: a page's records then outlive two collections and go to the old generation.)
 * - `--heap-growing-percent=25`: the old generation is collected when it has grown by 25 % rather
 *   than by V8's dynamic factor (up to 4×), so a page's large strings do not pile up between full
 *   collections.
 *
 * All three are read when they are used (when a WebAssembly module is compiled; when the heap grows),
 * which is why setting them after start takes effect; this runs before the export loads undici. A
 * library never does this to its host process: only the `runbook export` command, which owns its
 * process, calls it. `RUNBOOK_NO_HEAP_TUNING=1` turns it off.
 */
export function tuneHeapForStreaming(env: Readonly<Record<string, string | undefined>>): void {
  if (env['RUNBOOK_NO_HEAP_TUNING'] === '1') return;
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--heap-growing-percent=25');
  if (youngGenerationBytes() >= YOUNG_GENERATION_CAP_BYTES) {
    setFlagsFromString('--semi-space-growth-factor=1');
    return;
  }
  setFlagsFromString('--semi-space-growth-factor=4');
  const observer = new PerformanceObserver(() => {
    if (youngGenerationBytes() < YOUNG_GENERATION_CAP_BYTES) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}
