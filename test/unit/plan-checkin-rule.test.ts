import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findSpacingViolations } from '../../src/plan/checkin-spacing.js';

interface C {
  channelId: string;
  start: number;
  end: number;
  n: number;
}

const arbCheckins = fc
  .array(fc.record({ channel: fc.constantFrom('1', '2'), start: fc.integer({ min: 0, max: 600 }), limit: fc.integer({ min: 0, max: 60 }) }), { maxLength: 12 })
  .map((xs) => xs.map((x, n): C => ({ channelId: x.channel, start: x.start * 1000, end: (x.start + x.limit) * 1000, n })));

/** The rule stated pairwise, the way the platform states it. */
function pairCollides(a: C, b: C): boolean {
  if (a.channelId !== b.channelId) return false;
  const [x, y] = a.start <= b.start ? [a, b] : [b, a];
  return y.start < x.end + 5000;
}

describe('the 5-second check-in rule', () => {
  it('accepts exactly the sets whose check-ins are pairwise ≥ 5 s apart per channel', () => {
    fc.assert(
      fc.property(arbCheckins, (items) => {
        const violations = findSpacingViolations(items.map((c) => ({ ...c })));
        const anyPair = items.some((a, i) => items.some((b, j) => i < j && pairCollides(a, b)));
        expect(violations.length > 0).toBe(anyPair);
        for (const v of violations) expect(pairCollides(v.first, v.second)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('reports every check-in that collides with an earlier one', () => {
    fc.assert(
      fc.property(arbCheckins, (items) => {
        const flagged = new Set(findSpacingViolations(items.map((c) => ({ ...c }))).map((v) => v.second.n));
        for (const c of items) {
          const earlier = items.filter(
            (o) => o !== c && o.channelId === c.channelId && (o.start < c.start || (o.start === c.start && (o.end < c.end || (o.end === c.end && o.n < c.n)))),
          );
          const collides = earlier.some((o) => pairCollides(o, c));
          // Sorting is stable on equal keys; a check-in sorted after a colliding one is flagged.
          if (collides) expect(flagged.has(c.n) || earlier.every((o) => flagged.has(o.n))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('classifies an overlap and a 4-second gap', () => {
    const [v1] = findSpacingViolations([
      { channelId: '1', start: 0, end: 60_000 },
      { channelId: '1', start: 30_000, end: 40_000 },
    ]);
    expect(v1?.kind).toBe('overlap');
    const [v2] = findSpacingViolations([
      { channelId: '1', start: 0, end: 60_000 },
      { channelId: '1', start: 64_000, end: 70_000 },
    ]);
    expect(v2).toMatchObject({ kind: 'gap', gapMs: 4000 });
    expect(
      findSpacingViolations([
        { channelId: '1', start: 0, end: 60_000 },
        { channelId: '1', start: 65_000, end: 70_000 },
      ]),
    ).toEqual([]);
    expect(
      findSpacingViolations([
        { channelId: '1', start: 0, end: 60_000 },
        { channelId: '2', start: 0, end: 60_000 },
      ]),
    ).toEqual([]);
  });
});
