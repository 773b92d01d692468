/** Replaced at build time by esbuild's `define`; the fallback keeps `tsx`/vitest runs working. */
declare const __RUNBOOK_VERSION__: string | undefined;
export const VERSION: string = typeof __RUNBOOK_VERSION__ === 'string' ? __RUNBOOK_VERSION__ : '0.0.0-dev';
