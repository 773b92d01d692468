import { DiagnosticCodes, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { ExitCodes, RunbookError, UsageError } from '../core/errors.js';
import { duration, msg } from '../i18n/index.js';
import { parseDuration } from '../core/duration.js';
import { limitDiagnostics } from '../load/diagnostic-limit.js';
import { loadPlaybook, type FileCache } from '../load/load-playbook.js';
import { findSpacingViolations, spacingDiagnostic } from '../plan/checkin-spacing.js';
import { compilePlan } from '../plan/compile.js';
import type { CheckinAction, Plan } from '../plan/types.js';
import { parseZonedTime } from '../plan/zoned-time.js';
import { TimeBounds } from '../plan/time-bounds.js';
import { renderPlaybook } from '../template/render.js';
import { schemaDiagnostics } from '../validate/schema-diagnostics.js';

export interface PipelineOptions {
  /** Folder relative to which files are read and shown (the CLI's cwd). */
  readonly cwd: string;
  readonly vars?: readonly string[];
  readonly varsFile?: string;
  /** --start as typed (now, now+DURATION, ISO in the event's zone); needs `now`. Throws UsageError when bad. */
  readonly start?: string;
  /** --start, already parsed (see parseStartOption); wins over `start`. */
  readonly startOverride?: number;
  /** The clock for rules about the past; validate leaves it out. */
  readonly now?: number;
}

export interface FileResult {
  readonly file: string;
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
  /** The file as diagnostics name it (relative to the cwd when inside it). */
  readonly lesson?: string;
  /** The file itself could not be read (a usage error rather than an invalid playbook). */
  readonly unreadable: boolean;
}

/**
 * load → validate (schema, per file) → template → plan, for one playbook. Every stage that can go on
 * after a problem does, so that one pass reports all it can: a merge problem does not stop templating,
 * a string that does not render leaves only its step out of the rules. At most
 * MAX_DIAGNOSTICS_PER_FILE diagnostics are kept, then a count of the rest.
 */
export function planFile(file: string, o: PipelineOptions, fileCache?: FileCache): FileResult {
  const loadedResult = loadPlaybook(file, { displayBase: o.cwd, checkFile: schemaDiagnostics, ...(fileCache ? { fileCache } : {}) });
  const diagnostics: Diagnostic[] = [...loadedResult.diagnostics];
  const unreadable = !loadedResult.loaded && diagnostics.length === 1 && diagnostics[0]!.code === DiagnosticCodes.FILE_UNREADABLE;
  const loaded = loadedResult.loaded;
  if (!loaded) return { file, diagnostics, unreadable };
  const lesson = loaded.source.locate([]).file;
  const done = (plan?: Plan): FileResult => {
    const kept = limitDiagnostics(diagnostics, loaded.source.locate([]));
    return { file, lesson, ...(plan && !hasErrors(kept) ? { plan } : {}), diagnostics: kept, unreadable: false };
  };
  const rendered = renderPlaybook(loaded, { ...(o.varsFile ? { varsFile: o.varsFile } : {}), ...(o.vars ? { cliVars: o.vars } : {}) }, o.cwd);
  diagnostics.push(...rendered.diagnostics);
  if (!rendered.rendered) return done();
  // A string outside the steps that did not render (the event, channels, defaults) leaves nothing to plan.
  if (rendered.diagnostics.some((d) => d.severity === 'error' && !d.stepId)) return done();
  const skipSteps = new Set([...(loaded.invalidSteps ?? []), ...(rendered.failedSteps ?? [])]);
  const zone = rendered.rendered.doc.event?.timezone ?? 'UTC';
  const startOverride = o.startOverride ?? (o.start !== undefined ? parseStartOption(o.start, o.now ?? Date.now(), zone) : undefined);
  const compiled = compilePlan(rendered.rendered, {
    ...(startOverride !== undefined ? { startOverride } : {}),
    ...(o.now !== undefined ? { now: o.now } : {}),
    ...(skipSteps.size ? { skipSteps } : {}),
  });
  diagnostics.push(...compiled.diagnostics);
  return done(compiled.plan);
}

export interface ValidateResult {
  readonly files: readonly FileResult[];
  /** Problems across files: check-ins of two lessons colliding on one channel. */
  readonly crossFile: readonly Diagnostic[];
  readonly ok: boolean;
}

/**
 * Validates several playbooks, each on its own and then together (the check-in rule across files).
 * Between files it yields to the event loop and stops when `signal` fires (Ctrl-C, SIGTERM), so a
 * long validation ends promptly; one file's work is kept short by the input bounds.
 */
export async function validateFiles(files: readonly string[], o: PipelineOptions, signal?: AbortSignal): Promise<ValidateResult> {
  // Lessons of a term share their course template: it is read and checked once.
  const fileCache: FileCache = new Map();
  const results: FileResult[] = [];
  for (const f of files) {
    if (signal?.aborted)
      throw new RunbookError('E_INTERRUPTED', msg('run.api.interruptedFiles', { done: results.length, total: files.length }), ExitCodes.INTERRUPTED);
    results.push(planFile(f, o, fileCache));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (signal?.aborted)
    throw new RunbookError('E_INTERRUPTED', msg('run.api.interruptedFiles', { done: results.length, total: files.length }), ExitCodes.INTERRUPTED);
  const checkins = results.flatMap((r) =>
    r.plan
      ? r.plan.actions
          .filter((a): a is CheckinAction => a.kind === 'checkin')
          .map((a) => ({ ...a, start: a.startsAt, end: a.startsAt + a.limitTime * 1000, lesson: r.lesson ?? r.file }))
      : [],
  );
  const crossFile = findSpacingViolations(checkins)
    .filter((v) => v.first.lesson !== v.second.lesson)
    .map(spacingDiagnostic);
  const ok = results.every((r) => !hasErrors(r.diagnostics)) && crossFile.length === 0;
  return { files: results, crossFile, ok };
}

/**
 * `--start ISO|now|now+DURATION`: when the event starts for this run. An ISO time without an offset
 * is read in `zone` (the event's), so `--start 2026-12-01T19:30` means the lesson's local time.
 */
export function parseStartOption(text: string, now: number, zone = 'UTC'): number {
  const t = text.trim();
  const m = /^now(?:\s*\+\s*(.+))?$/i.exec(t);
  if (m) {
    if (!m[1]) return now;
    const d = parseDuration(m[1]);
    if (d === undefined) throw new UsageError(msg('run.api.startNotDuration', { text, value: JSON.stringify(m[1]) }));
    if (d > TimeBounds.maxOffsetMs)
      throw new UsageError(msg('run.api.startTooFar', { text, value: JSON.stringify(m[1]), max: duration(TimeBounds.maxOffsetMs) }));
    return now + d;
  }
  const z = parseZonedTime(t, zone);
  if (!z.ok) throw new UsageError(msg('run.api.startInvalid', { text, detail: z.detail }));
  return z.ms;
}
