import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture, enforced: each stage folder under src/ may import only stages of a lower rank
 * (or itself). The pipeline reads bottom-up: core → polyv protocol → load → validate → template →
 * plan → transport → journal → export → engine → sandbox → api → cli.
 */
const RANK: Record<string, number> = {
  core: 0,
  polyv: 1,
  load: 2,
  validate: 3,
  template: 4,
  plan: 5,
  transport: 6,
  journal: 7,
  export: 8,
  engine: 9,
  sandbox: 10,
  api: 11,
  serve: 11.5,
  cli: 12,
  'index.ts': 11,
};

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

describe('layering', () => {
  it('every stage imports only stages below it', () => {
    const src = join(import.meta.dirname, '..', '..', 'src');
    const violations: string[] = [];
    for (const file of files(src)) {
      const stage = relative(src, file).split(sep)[0]!;
      const rank = RANK[stage];
      if (rank === undefined) {
        violations.push(`${relative(src, file)}: folder "${stage}" has no rank in layering.test.ts`);
        continue;
      }
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = relative(src, join(file, '..', m[1]!)).split(sep)[0]!;
        const targetRank = RANK[target] ?? RANK[`${target}`];
        if (targetRank === undefined) continue;
        if (targetRank > rank) violations.push(`${relative(src, file)} (${stage}) imports ${m[1]} (${target})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
