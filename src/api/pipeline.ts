import { DiagnosticCodes, hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { UsageError } from '../core/errors.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { loadPlaybook } from '../load/load-playbook.js';
import { findSpacingViolations } from '../plan/checkin-spacing.js';
import { compilePlan } from '../plan/compile.js';
import type { CheckinAction, Plan } from '../plan/types.js';
import { parseZonedTime } from '../plan/zoned-time.js';
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
  /** The file itself could not be read (a usage error rather than an invalid playbook). */
  readonly unreadable: boolean;
}

/** load → validate (schema, per file) → template → plan, for one playbook. */
export function planFile(file: string, o: PipelineOptions): FileResult {
  const loadedResult = loadPlaybook(file, { displayBase: o.cwd, checkFile: schemaDiagnostics });
  const diagnostics: Diagnostic[] = [...loadedResult.diagnostics];
  const unreadable = !loadedResult.loaded && diagnostics.length === 1 && diagnostics[0]!.code === DiagnosticCodes.FILE_UNREADABLE;
  if (!loadedResult.loaded || hasErrors(diagnostics)) return { file, diagnostics, unreadable };
  const rendered = renderPlaybook(loadedResult.loaded, { ...(o.varsFile ? { varsFile: o.varsFile } : {}), ...(o.vars ? { cliVars: o.vars } : {}) }, o.cwd);
  diagnostics.push(...rendered.diagnostics);
  if (!rendered.rendered || hasErrors(diagnostics)) return { file, diagnostics, unreadable: false };
  const zone = rendered.rendered.doc.event?.timezone ?? 'UTC';
  const startOverride = o.startOverride ?? (o.start !== undefined ? parseStartOption(o.start, o.now ?? Date.now(), zone) : undefined);
  const compiled = compilePlan(rendered.rendered, { ...(startOverride !== undefined ? { startOverride } : {}), ...(o.now !== undefined ? { now: o.now } : {}) });
  diagnostics.push(...compiled.diagnostics);
  return { file, ...(compiled.plan ? { plan: compiled.plan } : {}), diagnostics, unreadable: false };
}

export interface ValidateResult {
  readonly files: readonly FileResult[];
  /** Problems across files: check-ins of two lessons colliding on one channel. */
  readonly crossFile: readonly Diagnostic[];
  readonly ok: boolean;
}

/** Validates several playbooks, each on its own and then together (the check-in rule across files). */
export function validateFiles(files: readonly string[], o: PipelineOptions): ValidateResult {
  const results = files.map((f) => planFile(f, o));
  const crossFile = crossFileDiagnostics(results);
  const ok = results.every((r) => !hasErrors(r.diagnostics)) && crossFile.length === 0;
  return { files: results, crossFile, ok };
}

/** The check-in rule across files: check-ins of two playbooks colliding on one channel. */
export function crossFileDiagnostics(results: readonly Pick<FileResult, 'file' | 'plan'>[]): Diagnostic[] {
  const checkins = results.flatMap((r) => (r.plan ? r.plan.actions.filter((a): a is CheckinAction => a.kind === 'checkin').map((a) => ({ ...a, start: a.startsAt, end: a.startsAt + a.limitTime * 1000, file: r.file })) : []));
  return findSpacingViolations(checkins)
    .filter((v) => v.first.file !== v.second.file)
    .map<Diagnostic>((v) => ({
      code: v.kind === 'overlap' ? DiagnosticCodes.CHECKIN_OVERLAP : DiagnosticCodes.CHECKIN_GAP,
      severity: 'error',
      message:
        v.kind === 'overlap'
          ? `check-in \`${v.second.id}\` overlaps check-in \`${v.first.id}\` of ${v.first.source.file} on channel ${v.second.channelId}`
          : `check-in \`${v.second.id}\` starts ${formatDuration(v.gapMs)} after check-in \`${v.first.id}\` of ${v.first.source.file} ends on channel ${v.second.channelId}; the platform needs at least 5s`,
      location: v.second.source,
      stepId: v.second.stepId,
      related: [{ location: v.first.source, message: `check-in \`${v.first.id}\` is here`, stepId: v.first.stepId }],
    }));
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
    if (d === undefined) throw new UsageError(`--start ${text}: ${JSON.stringify(m[1])} is not a duration like 30s or 2m`);
    return now + d;
  }
  const z = parseZonedTime(t, zone);
  if (!z.ok) throw new UsageError(`--start ${text}: ${z.detail}; use now, now+DURATION or an ISO time`);
  return z.ms;
}
