import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture, as an allow-list: which stage folders under src/ each one imports. It is kept
 * equal to the real import graph — an import not listed fails, and so does a listed one no file
 * makes (the list never claims more than is true). The graph has no cycles.
 *
 * `i18n` (messages, languages, formatting) is the floor under every stage: any stage may import it,
 * so its edges are not listed; it imports no stage itself.
 */
const FLOOR = 'i18n';
const ALLOWED: Record<string, readonly string[]> = {
  i18n: [],
  core: [],
  polyv: [],
  load: ['core'],
  validate: ['core', 'load'],
  template: ['core', 'load'],
  plan: ['core', 'load', 'polyv', 'template'],
  transport: ['core', 'polyv'],
  journal: ['core'],
  export: ['core', 'polyv', 'transport'],
  engine: ['core', 'export', 'journal', 'plan', 'polyv', 'transport'],
  sandbox: ['core', 'polyv'],
  api: ['core', 'engine', 'export', 'journal', 'load', 'plan', 'polyv', 'sandbox', 'template', 'transport', 'validate'],
  serve: ['api', 'core', 'engine', 'journal', 'load', 'plan', 'polyv', 'transport'],
  cluster: ['api', 'core', 'journal', 'serve', 'transport'],
  cli: ['api', 'cluster', 'core', 'engine', 'plan', 'polyv', 'sandbox', 'serve'],
  'index.ts': ['api', 'core', 'engine', 'journal', 'plan', 'polyv', 'sandbox', 'transport'],
};

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

/** stage → the stages its files import (relative imports only; packages are not stages). */
function importGraph(src: string): Record<string, string[]> {
  const graph: Record<string, Set<string>> = {};
  for (const file of files(src)) {
    const stage = relative(src, file).split(sep)[0]!;
    graph[stage] ??= new Set();
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = relative(src, join(file, '..', m[1]!)).split(sep)[0]!;
      if (target !== stage && target !== FLOOR) graph[stage].add(target);
    }
  }
  return Object.fromEntries(Object.entries(graph).map(([k, v]) => [k, [...v].sort()]));
}

describe('layering', () => {
  it('the import graph between stages is exactly the allow-list', () => {
    const actual = importGraph(join(import.meta.dirname, '..', '..', 'src'));
    const expected = Object.fromEntries(Object.entries(ALLOWED).map(([k, v]) => [k, [...v].sort()]));
    expect(actual).toEqual(expected);
  });

  it('the allow-list has no cycle', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (n: string, path: string[]): void => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'visiting') return void cycles.push([...path, n].join(' → '));
      state.set(n, 'visiting');
      for (const m of ALLOWED[n] ?? []) visit(m, [...path, n]);
      state.set(n, 'done');
    };
    for (const n of Object.keys(ALLOWED)) visit(n, []);
    expect(cycles).toEqual([]);
  });
});
