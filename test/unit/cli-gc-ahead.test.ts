import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { youngCollectorAhead } from '../../src/cli/gc-ahead.js';

describe('collecting young garbage ahead of an instant', () => {
  it('is off when RUNBOOK_NO_GC_AHEAD=1', () => {
    expect(youngCollectorAhead({ RUNBOOK_NO_GC_AHEAD: '1' })).toBeUndefined();
  });

  it('runs a young-generation (minor) collection when called', async () => {
    const collect = youngCollectorAhead({});
    expect(collect).toBeTypeOf('function');
    const seen: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    const before = performance.now();
    collect!();
    const after = performance.now();
    // GC entries are delivered asynchronously; the ones that started during the call are its own.
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    const during = seen.filter((e) => e.startTime >= before && e.startTime <= after).map((e) => ((e as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind);
    expect(during).toEqual([constants.NODE_PERFORMANCE_GC_MINOR]);
  });
});
