import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { loadPlaybook } from '../load/load-playbook.js';
import { planFile } from '../api/pipeline.js';
import type { FileCache } from '../load/load-playbook.js';
import { findSpacingViolations, spacingDiagnostic } from '../plan/checkin-spacing.js';
import type { CheckinAction, Plan } from '../plan/types.js';

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
  return [...planEach(files, cwd, now)];
}

/** planFiles one file at a time, so that the caller can keep less than every plan at once. */
export function* planEach(files: readonly string[], cwd: string, now: number): Generator<PlannedFile> {
  // One pass reads and checks each file once (a course template once, not once per lesson).
  const fileCache: FileCache = new Map();
  for (const file of files) yield planOne(file);
  function planOne(file: string): PlannedFile {
    const r = planFile(file, { cwd, now }, fileCache);
    const ok = r.plan && !hasErrors(r.diagnostics);
    // A file that did not plan still names what it extends, if it can be read at all: needed to
    // tell a broken lesson from a template.
    const chain = ok ? r.plan!.event.files : (loadPlaybook(file, { displayBase: cwd, fileCache }).loaded?.files ?? [file]);
    // Only extended files are read again; a lesson's own parsed file is garbage from here on.
    fileCache.delete(file);
    return { file, ...(ok ? { plan: r.plan! } : {}), diagnostics: r.diagnostics, chain };
  }
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
 * The check-in rule across the lessons of a term, each violation with the two lesson files (absolute)
 * it involves: the later check-in's lesson first, as `validate` blames it.
 */
export function crossFileViolations(
  lessons: readonly { file: string; checkins: readonly CheckinAction[] }[],
  display: (file: string) => string,
): { diagnostic: Diagnostic; later: string; earlier: string }[] {
  const files = new Map<string, string>();
  const checkins = lessons.flatMap(({ file, checkins: own }) => {
    const lesson = display(file);
    files.set(lesson, file);
    return own.map((a) => ({ ...a, start: a.startsAt, end: a.startsAt + a.limitTime * 1000, lesson }));
  });
  return findSpacingViolations(checkins)
    .filter((v) => v.first.lesson !== v.second.lesson)
    .map((v) => ({ diagnostic: spacingDiagnostic(v), later: files.get(v.second.lesson)!, earlier: files.get(v.first.lesson)! }));
}
