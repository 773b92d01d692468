import Handlebars from 'handlebars';
import { DiagnosticCodes, type Diagnostic, type DiagnosticCode } from '../core/diagnostic.js';
import type { RunbookPlaybook } from '../load/playbook.generated.js';
import type { DocPath, LoadedPlaybook } from '../load/types.js';
import { stepIds } from '../load/step-id.js';
import { dateHelpers } from './helpers.js';
import type { ExternalVars, RenderResult } from './types.js';
import { resolveVars } from './vars.js';

/** Fields that are never templated: structure, not text. */
const NOT_TEMPLATED = new Set(['extends', 'params', 'kind']);

/**
 * Renders every string value of the playbook with handlebars — strict (an unknown variable is an
 * error, located), without HTML escaping (chat text is not HTML), with date helpers in the event's
 * zone. `event` is rendered first and is then available to everything else as `event.*`, alongside
 * `channels.*` and the variables. Keys are never templated. Prototype properties are unreachable.
 */
export function renderPlaybook(loaded: LoadedPlaybook, external: ExternalVars = {}, cwd = process.cwd()): RenderResult {
  const { vars, diagnostics } = resolveVars(loaded, external, cwd);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  let zone = 'UTC';
  const hb = Handlebars.create();
  // Handlebars logs denied prototype lookups to the console; runbook reports them as diagnostics instead.
  (hb as unknown as { log: () => void }).log = () => undefined;
  for (const [name, fn] of Object.entries(dateHelpers(() => zone))) hb.registerHelper(name, fn);
  const cache = new Map<string, HandlebarsTemplateDelegate>();
  const knownHelpers = { date: true, time: true, datetime: true, add: true };

  const renderString = (text: string, path: DocPath, context: object): string => {
    if (!text.includes('{{')) return text;
    const simple = substituteSimple(text, context);
    if (simple !== undefined) return simple;
    let fn = cache.get(text);
    try {
      if (!fn) {
        fn = hb.compile(text, { strict: true, noEscape: true, knownHelpers, assumeObjects: false });
        cache.set(text, fn);
      }
      return fn(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    } catch (err) {
      diagnostics.push(templateDiagnostic(err, text, path, loaded));
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
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { rendered: { ...loaded, doc: out as RunbookPlaybook, vars }, diagnostics };
}

const SIMPLE = /\{\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g;
const SIMPLE_ONLY = /^(?:[^{}]|\{(?!\{)|\}|\{\{\s*[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*\s*\}\})*$/;
const RESERVED = new Set(['constructor', '__proto__', 'prototype', 'this', 'else']);

/**
 * The common case — plain `{{name}}` or `{{event.start}}` substitutions — without compiling a
 * template: same result as strict, non-escaping handlebars (own properties only). Anything else
 * (helpers, blocks, a missing or reserved name) returns undefined and goes through handlebars, which
 * then reports the error.
 */
function substituteSimple(text: string, context: object): string | undefined {
  if (text.includes('\\{{') || !SIMPLE_ONLY.test(text)) return undefined;
  let failed = false;
  const out = text.replace(SIMPLE, (_m, path: string) => {
    let v: unknown = context;
    for (const part of path.split('.')) {
      if (RESERVED.has(part) || v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, part)) {
        failed = true;
        return '';
      }
      v = (v as Record<string, unknown>)[part];
    }
    if (v === undefined || v === null || typeof v === 'object' || typeof v === 'function') {
      failed = true;
      return '';
    }
    return String(v);
  });
  return failed ? undefined : out;
}

function templateDiagnostic(err: unknown, text: string, path: DocPath, loaded: LoadedPlaybook): Diagnostic {
  const raw = err instanceof Error ? err.message : String(err);
  let code: DiagnosticCode = DiagnosticCodes.TEMPLATE_HELPER;
  let message = raw.split('\n')[0]!;
  const notDefined = /^"?([^"]+)"? not defined in/.exec(raw);
  if (notDefined) {
    code = DiagnosticCodes.UNKNOWN_VARIABLE;
    message = `unknown variable \`${notDefined[1]}\` in ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text)}`;
  } else if (/Parse error|Expecting|Lexical error/i.test(raw)) {
    code = DiagnosticCodes.TEMPLATE_SYNTAX;
    message = `template syntax error: ${raw.split('\n').filter(Boolean).pop() ?? raw}`;
  } else if (/Missing helper/i.test(raw)) {
    code = DiagnosticCodes.TEMPLATE_HELPER;
    message = `${raw.split('\n')[0]} (helpers: date, time, datetime, add, if, unless, each, with, lookup)`;
  }
  const location = loaded.source.locate(path);
  // Point at the `{{` of the first failing expression when the string sits on one line.
  const name = notDefined?.[1];
  const offset = name ? text.search(new RegExp(`\\{\\{[^}]*${escapeRegExp(name)}`)) : text.indexOf('{{');
  const col = offset >= 0 && location.endLine === location.line ? location.col + offset + quoteWidth(location, text) : location.col;
  const stepId = stepIdAt(loaded, path);
  return { code, severity: 'error', message, location: { ...location, col }, ...(stepId ? { stepId } : {}) };
}

function quoteWidth(loc: { col: number; endCol?: number }, text: string): number {
  // A quoted scalar spans its text plus two quotes.
  return loc.endCol !== undefined && loc.endCol - loc.col >= text.length + 2 ? 1 : 0;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stepIdAt(loaded: LoadedPlaybook, path: DocPath): string | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
  return stepIds(loaded.doc.steps ?? [])[path[1]];
}
