import { DiagnosticCodes, type Diagnostic, type DiagnosticCode } from '../core/diagnostic.js';
import { msg } from '../i18n/index.js';
import type { RunbookPlaybook } from '../load/playbook.generated.js';
import type { DocPath, LoadedPlaybook } from '../load/types.js';
import { stepIds } from '../load/step-id.js';
import { TemplateBounds } from './bounds.js';
import { renderTemplate, TemplateProblem, type ProblemKind } from './engine.js';
import type { ExternalVars, RenderResult } from './types.js';
import { resolveVars } from './vars.js';

/** Fields that are never templated: structure, not text. */
const NOT_TEMPLATED = new Set(['extends', 'params', 'kind']);

/** How many template problems one playbook reports before it stops rendering (the rest are counted). */
export const MAX_TEMPLATE_DIAGNOSTICS = 100;

const CODE_OF: Record<ProblemKind, DiagnosticCode> = {
  syntax: DiagnosticCodes.TEMPLATE_SYNTAX,
  'unknown-variable': DiagnosticCodes.UNKNOWN_VARIABLE,
  helper: DiagnosticCodes.TEMPLATE_HELPER,
  'too-deep': DiagnosticCodes.TEMPLATE_BOUND,
  'too-large': DiagnosticCodes.TEMPLATE_BOUND,
};

/**
 * Renders every string value of the playbook with handlebars — strict (an unknown variable is an
 * error, located), without HTML escaping (chat text is not HTML), with date helpers in the event's
 * zone. `event` is rendered first and is then available to everything else as `event.*`, alongside
 * `channels.*` and the variables. Keys are never templated. Prototype properties are unreachable: a
 * template that names one (`{{constructor}}`, `{{event.toString}}`) is refused before it runs.
 *
 * A string that cannot be rendered is reported and left as written; the others are still rendered,
 * so `rendered` is present whenever the variables resolved, and the later rules can check the steps
 * that rendered (`failedSteps` lists those that did not).
 */
export function renderPlaybook(loaded: LoadedPlaybook, external: ExternalVars = {}, cwd = process.cwd()): RenderResult {
  const { vars, diagnostics } = resolveVars(loaded, external, cwd);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  let zone = 'UTC';
  let renderedChars = 0;
  let problems = 0;
  let stopped = false;
  const failedSteps = new Set<number>();
  let ids: string[] | undefined;
  const stepIdAt = (path: DocPath): string | undefined => {
    if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
    ids ??= stepIds(loaded.doc.steps ?? []);
    return ids[path[1]];
  };

  const report = (problem: TemplateProblem, text: string, path: DocPath): void => {
    problems += 1;
    if (path[0] === 'steps' && typeof path[1] === 'number') failedSteps.add(path[1]);
    if (problems <= MAX_TEMPLATE_DIAGNOSTICS) diagnostics.push(templateDiagnostic(problem, text, path, loaded, stepIdAt(path)));
  };

  const renderString = (text: string, path: DocPath, context: object): string => {
    if (stopped) return text;
    try {
      const out = renderTemplate(text, context, zone);
      renderedChars += out.length;
      if (renderedChars > TemplateBounds.maxRenderedFile) {
        stopped = true;
        report(new TemplateProblem('too-large', msg('diag.template.fileTooLarge', { max: TemplateBounds.maxRenderedFile })), text, path);
        return text;
      }
      return out;
    } catch (err) {
      if (!(err instanceof TemplateProblem)) throw err;
      report(err, text, path);
      return text;
    }
  };

  const walk = (value: unknown, path: DocPath, context: object): unknown => {
    if (typeof value === 'string') return renderString(value, path, context);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], context));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = NOT_TEMPLATED.has(k) && path.length <= 2 ? v : walk(v, [...path, k], context);
      return out;
    }
    return value;
  };

  const doc = loaded.doc;
  const varContext = { ...vars };
  const event = walk(doc.event ?? {}, ['event'], varContext) as Record<string, unknown>;
  if (typeof event['timezone'] === 'string') zone = event['timezone'];
  const channels = walk(doc.channels ?? {}, ['channels'], varContext) as Record<string, unknown>;
  const context = { ...vars, event, channels };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'event') out[k] = event;
    else if (k === 'channels') out[k] = channels;
    else if (k === 'params' || k === 'extends' || k === 'vars') out[k] = v;
    else out[k] = walk(v, [k], context);
  }
  if (problems > MAX_TEMPLATE_DIAGNOSTICS) {
    diagnostics.push({
      code: DiagnosticCodes.TOO_MANY_PROBLEMS,
      severity: 'error',
      message: msg('diag.template.tooManyProblems', { count: problems - MAX_TEMPLATE_DIAGNOSTICS, max: MAX_TEMPLATE_DIAGNOSTICS }),
      location: loaded.source.locate([]),
    });
  }
  return { rendered: { ...loaded, doc: out as RunbookPlaybook, vars }, failedSteps, diagnostics };
}

function templateDiagnostic(problem: TemplateProblem, text: string, path: DocPath, loaded: LoadedPlaybook, stepId: string | undefined): Diagnostic {
  const quoted = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  const message =
    problem.kind === 'unknown-variable' || problem.kind === 'too-large' || problem.kind === 'too-deep'
      ? msg('diag.template.inText', { problem: problem.text, text: quoted })
      : problem.text;
  const location = loaded.source.locate(path);
  // Point at the `{{` of the first failing expression when the string sits on one line.
  const name = problem.variable;
  const offset = name ? text.search(new RegExp(`\\{\\{[^}]*${escapeRegExp(name)}`)) : text.indexOf('{{');
  const col = offset >= 0 && location.endLine === location.line ? location.col + offset + quoteWidth(location, text) : location.col;
  return { code: CODE_OF[problem.kind], severity: 'error', message, location: { ...location, col }, ...(stepId ? { stepId } : {}) };
}

function quoteWidth(loc: { col: number; endCol?: number }, text: string): number {
  // A quoted scalar spans its text plus two quotes.
  return loc.endCol !== undefined && loc.endCol - loc.col >= text.length + 2 ? 1 : 0;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
