import { setFlagsFromString } from 'node:v8';

/**
 * Settings for a process whose job is to stream a large export: it should keep a small, flat memory
 * footprint rather than grow caches for speed it does not need. Measured on the history export
 * (bench/history-export.mjs, bench/README.md): peak RSS ~125 MB without, well under 100 MB with.
 *
 * - `--no-wasm-tier-up`: undici parses HTTP with llhttp compiled to WebAssembly. Once it is hot, V8
 *   recompiles it with its optimising compiler in a background thread, and for llhttp's large state
 *   machine that compilation alone takes ~35 MB of memory (seen in the thread's malloc arena). The
 *   baseline compiler's code is fast enough: the parser only skims a page's body for its length.
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial size instead of
 *   doubling up to 2 × 16 MB; the export's garbage is short-lived (one page), so a small young
 *   generation is collected often and cheaply.
 *
 * Both are read when they are used (when a WebAssembly module is compiled; when the young generation
 * would grow), which is why setting them here, before the export loads undici, takes effect. A
 * library never does this to its host process: only the `runbook export` command, which owns its
 * process, calls it. `RUNBOOK_NO_HEAP_TUNING=1` turns it off.
 */
export function tuneHeapForStreaming(env: Readonly<Record<string, string | undefined>>): void {
  if (env['RUNBOOK_NO_HEAP_TUNING'] === '1') return;
  setFlagsFromString('--no-wasm-tier-up');
  setFlagsFromString('--semi-space-growth-factor=1');
}
