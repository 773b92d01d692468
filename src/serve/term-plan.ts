import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { loadPlaybook } from '../load/load-playbook.js';
import { crossFileDiagnostics, planFile } from '../api/pipeline.js';
import type { Plan } from '../plan/types.js';
import { resolve } from 'node:path';

/** One playbook file, planned. */
export interface PlannedFile {
  /** Absolute path. */
  readonly file: string;
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
  /** It and every file it extends (absolute), as far as they could be read. */
  readonly chain: readonly string[];
}

/** load → validate → template → plan, for each file; the clock for rules about the past. */
export function planFiles(files: readonly string[], cwd: string, now: number): PlannedFile[] {
  return files.map((file) => {
    const r = planFile(file, { cwd, now });
    const ok = r.plan && !hasErrors(r.diagnostics);
    // A file that did not plan still names what it extends, if it can be read at all: needed to
    // tell a broken lesson from a template.
    const chain = ok ? r.plan!.event.files : (loadPlaybook(file, { displayBase: cwd }).loaded?.files ?? [file]);
    return { file, ...(ok ? { plan: r.plan! } : {}), diagnostics: r.diagnostics, chain };
  });
}

/**
 * Templates are the files that other playbooks of the term extend: recognised as such and never
 * run on their own. `known` keeps a file a template while every lesson that extends it is broken.
 */
export function templatesOf(planned: readonly PlannedFile[], known: ReadonlySet<string> = new Set()): Set<string> {
  const out = new Set<string>();
  for (const p of planned) for (const f of p.chain.slice(1)) out.add(f);
  for (const k of known) if (planned.some((p) => p.file === k)) out.add(k);
  return out;
}

/**
 * The check-in rule across the lessons of a term. Each violation is blamed on the file of the later
 * check-in (the one the diagnostic points at), as `validate` reports it.
 */
export function crossFileByFile(lessons: readonly { file: string; plan: Plan }[], cwd: string): Map<string, Diagnostic[]> {
  const out = new Map<string, Diagnostic[]>();
  for (const d of crossFileDiagnostics(lessons)) {
    const file = resolve(cwd, d.location.file);
    out.set(file, [...(out.get(file) ?? []), d]);
  }
  return out;
}
