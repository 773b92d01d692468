import Handlebars from 'handlebars';
import { TemplateBounds } from './bounds.js';
import { msg } from '../i18n/index.js';
import { DATE_HELPER_NAMES, dateHelpers } from './helpers.js';
import { TemplateProblem } from './problem.js';

export { TemplateProblem, type ProblemKind } from './problem.js';

/**
 * The one template engine: handlebars in strict mode, without HTML escaping (chat text is not HTML),
 * with the date helpers. One environment for the process, and each distinct template string is
 * compiled once (cached by its text): a term of lessons repeats its course template's strings.
 */
const hb = Handlebars.create();

interface CompilerClass {
  prototype: { appendToBuffer(this: unknown, source: unknown, location: unknown, explicit: unknown): unknown };
}
/**
 * Handlebars' code generator joins adjacent outputs with `+`, so `{{hour}}{{minute}}` with two numbers
 * renders their sum ("7" for 3 and 4; with HTML escaping off, as here). This compiler makes every
 * appended value text first ("" + value), so adjacent outputs are always concatenated.
 */
export function stringAppendingCompiler(base: CompilerClass): CompilerClass {
  class StringAppending extends (base as unknown as new () => object) {}
  (StringAppending.prototype as CompilerClass['prototype']).appendToBuffer = function (source, location, explicit) {
    return base.prototype.appendToBuffer.call(this, ['"" + (', ...(Array.isArray(source) ? (source as unknown[]) : [source]), ')'], location, explicit);
  };
  // Block bodies are compiled by `new this.compiler()`: the same compiler.
  (StringAppending.prototype as { compiler?: unknown }).compiler = StringAppending;
  return StringAppending as unknown as CompilerClass;
}
const env = hb as unknown as { JavaScriptCompiler: CompilerClass };
env.JavaScriptCompiler = stringAppendingCompiler(env.JavaScriptCompiler);
// Handlebars logs denied prototype lookups to the console; runbook reports problems as diagnostics.
(hb as unknown as { log: () => void }).log = () => undefined;
for (const [name, fn] of Object.entries(dateHelpers())) hb.registerHelper(name, fn);
// `lookup` as strict as a plain `{{name}}`: a name the value does not own is an error, not empty text.
hb.registerHelper('lookup', function (this: unknown, obj: unknown, field: unknown) {
  const key = String(field);
  if (obj === null || typeof obj !== 'object' || !Object.prototype.hasOwnProperty.call(obj, key)) {
    throw new TemplateProblem('unknown-variable', msg('diag.template.notDefined', { name: key }), key);
  }
  return (obj as Record<string, unknown>)[key];
});

/** Helper names and the names the context itself uses: a variable may not be called any of them. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.keys(hb.helpers), ...DATE_HELPER_NAMES, 'this', 'else', 'event', 'channels']);

/** Names that belong to JavaScript objects, never to a playbook's data. */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype', '__proto__']);

const COMPILE_OPTIONS = { strict: true, noEscape: true, knownHelpers: { date: true, time: true, datetime: true, add: true }, assumeObjects: false } as const;
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

type Render = (context: object, options: Handlebars.RuntimeOptions) => string;
type Compiled = { readonly fn: Render } | { readonly problem: TemplateProblem };
const cache = new Map<string, Compiled>();
/** A long-running process (runbook serve) sees edits: the cache forgets its oldest entries. */
const MAX_CACHED = 20_000;

function compile(text: string): Compiled {
  let entry = cache.get(text);
  if (entry) return entry;
  try {
    const split = splitFlat(text);
    if (split) {
      entry = { fn: split };
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(text, entry);
      return entry;
    }
    checkNesting(text);
    const ast = hb.parse(text);
    checkAst(ast);
    entry = { fn: flatRender(ast, text) ?? hb.compile(ast, COMPILE_OPTIONS) };
  } catch (err) {
    entry = { problem: asProblem(err) };
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(text, entry);
  return entry;
}

/**
 * Renders one string. A string without `{{` is returned as it is: handlebars' output for it is the
 * text itself, so the shortcut means the same. Throws a TemplateProblem.
 */
export function renderTemplate(text: string, context: object, zone: string): string {
  if (!text.includes('{{')) return text;
  const entry = compile(text);
  if ('problem' in entry) throw entry.problem;
  let out: string;
  try {
    out = entry.fn(context, { ...RUNTIME_OPTIONS, data: { zone } });
  } catch (err) {
    throw asProblem(err);
  }
  if (out.length > TemplateBounds.maxRenderedString)
    throw new TemplateProblem('too-large', msg('diag.template.tooLarge', { length: out.length, max: TemplateBounds.maxRenderedString }));
  return out;
}

/**
 * The commonest template — text with plain `{{expressions}}` — split without running handlebars'
 * parser over the text, when that provably gives the parser's own split: no backslash anywhere (no
 * escaped `\{{`), and each `{{` opens a plain expression — not `{{{`, `{{!`, `{{#`, `{{/`, `{{^`,
 * `{{>`, `{{*`, `{{&`, `{{else` — that holds no brace or `~` (no whitespace control) and ends at the
 * next `}}`. Between expressions, handlebars' content is then exactly the text. Each expression is
 * still compiled and evaluated by handlebars; if one does not compile, the whole string goes through
 * the parser, so that a problem is reported exactly as before. A property test checks the outputs.
 */
function splitFlat(text: string): Render | undefined {
  if (text.includes('\\')) return undefined;
  const parts: (string | Render)[] = [];
  let at = 0;
  for (;;) {
    const open = text.indexOf('{{', at);
    if (open < 0) break;
    if (open > at) parts.push(text.slice(at, open));
    const close = text.indexOf('}}', open + 2);
    if (close < 0 || text[close + 2] === '}') return undefined;
    // A string that is one expression is compiled whole, by the caller.
    if (open === 0 && close + 2 === text.length) return undefined;
    const inner = text.slice(open + 2, close);
    if (inner.trim() === '' || /[{}~]/.test(inner) || /^\s*[!#/^>*&]/.test(inner) || /^\s*else\b/.test(inner)) return undefined;
    const expression = compile(`{{${inner}}}`);
    if ('problem' in expression) return undefined;
    parts.push(expression.fn);
    at = close + 2;
  }
  if (at < text.length) parts.push(text.slice(at));
  return (context, options) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : evaluate(p, context, options);
    return out;
  };
}

/**
 * An expression's value on one context, in one zone, computed once: a lesson's strings repeat the same
 * few (`{{course}}`, `{{time event.start}}`). Sound because the context is not changed while a
 * playbook renders and every helper is a pure function of its arguments and the zone.
 */
const values = new WeakMap<object, Map<string, Map<Render, string>>>();
function evaluate(fn: Render, context: object, options: Handlebars.RuntimeOptions): string {
  const zone = String((options.data as { zone?: unknown } | undefined)?.zone ?? '');
  let byZone = values.get(context);
  if (!byZone) values.set(context, (byZone = new Map()));
  let byFn = byZone.get(zone);
  if (!byFn) byZone.set(zone, (byFn = new Map()));
  let value = byFn.get(fn);
  if (value === undefined) byFn.set(fn, (value = fn(context, options)));
  return value;
}

/**
 * A template whose top level is only text, comments and `{{expressions}}` (no blocks, no partials) is
 * rendered by handlebars one expression at a time, and the text between them — as handlebars' own
 * parser left it, after `~` whitespace control — is joined in between. That is exactly what the
 * compiled template does (its output is the concatenation of its statements' outputs, each evaluated
 * on the same context), but an expression such as `{{time event.start}}` is compiled once for every
 * string it appears in, instead of every distinct string being compiled to a JavaScript function of
 * its own. A test checks both give the same output and the same errors.
 */
function flatRender(ast: hbs.AST.Program, text: string): Render | undefined {
  // A lone expression is its own template: compiled whole (this also ends the recursion below).
  if (ast.body.length === 1 && ast.body[0]!.type === 'MustacheStatement') return undefined;
  const parts: (string | Render)[] = [];
  let lineStarts: number[] | undefined;
  const offset = (pos: hbs.AST.Position): number => {
    lineStarts ??= [0, ...[...text.matchAll(/\n/g)].map((m) => m.index + 1)];
    return lineStarts[pos.line - 1]! + pos.column;
  };
  for (const node of ast.body) {
    if (node.type === 'ContentStatement') parts.push((node as hbs.AST.ContentStatement).value);
    else if (node.type === 'CommentStatement') continue;
    else if (node.type === 'MustacheStatement') {
      const source = text.slice(offset(node.loc.start), offset(node.loc.end));
      const expression = compile(source);
      if ('problem' in expression) throw expression.problem;
      parts.push(expression.fn);
    } else return undefined;
  }
  return (context, options) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(context, options);
    return out;
  };
}

/**
 * Block nesting, counted on the text before handlebars parses it (its compiler recurses per level,
 * and a pathological depth costs minutes): `{{#…}}` and `{{^…}}` open a level, `{{else …}}` with a
 * condition nests one more inside the same block, `{{/…}}` closes the block and its chain; a bare
 * `{{else}}` or `{{^}}` changes nothing.
 */
function checkNesting(text: string): void {
  const stack: number[] = [];
  let depth = 0;
  for (const m of text.matchAll(/\{\{~?\s*(#|\^(?!\s*~?\}\})|\/|else\s+(?=\S)(?!~?\}\}))/g)) {
    const t = m[1]!;
    if (t === '/') {
      depth -= 1 + (stack.pop() ?? 0);
      if (depth < 0) depth = 0;
      continue;
    }
    depth += 1;
    if (t.startsWith('else')) {
      if (stack.length > 0) stack[stack.length - 1]! += 1;
      else depth -= 1;
    } else stack.push(0);
    if (depth > TemplateBounds.maxDepth) throw new TemplateProblem('too-deep', msg('diag.template.blocksTooDeep', { max: TemplateBounds.maxDepth }));
  }
}

interface AstNode {
  readonly type: string;
  readonly [k: string]: unknown;
}

/** Walks the parsed template: nesting of blocks and subexpressions, and names of JavaScript internals. */
function checkAst(node: unknown, depth = 0): void {
  if (depth > TemplateBounds.maxDepth * 2 + 4) throw new TemplateProblem('too-deep', msg('diag.template.nestTooDeep', { max: TemplateBounds.maxDepth }));
  if (Array.isArray(node)) {
    for (const n of node) checkAst(n, depth);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as AstNode;
  if (n.type === 'PathExpression') {
    for (const part of n['parts'] as string[]) {
      if (PROTOTYPE_NAMES.has(part)) throw new TemplateProblem('unknown-variable', msg('diag.template.internalName', { name: part }), part);
    }
    return;
  }
  if (n.type === 'StringLiteral' && typeof n['value'] === 'string' && PROTOTYPE_NAMES.has(n['value'])) {
    // `{{lookup this "constructor"}}`
    throw new TemplateProblem('unknown-variable', msg('diag.template.internalName', { name: n['value'] }), n['value']);
  }
  const nests = n.type === 'BlockStatement' || n.type === 'SubExpression';
  for (const key of ['body', 'path', 'params', 'hash', 'pairs', 'value', 'program', 'inverse']) {
    if (key in n) checkAst(n[key], nests ? depth + 1 : depth);
  }
}

function asProblem(err: unknown): TemplateProblem {
  if (err instanceof TemplateProblem) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const notDefined = /^"?([^"]+)"? not defined in/.exec(raw);
  if (notDefined) return new TemplateProblem('unknown-variable', msg('diag.template.unknownVariable', { name: notDefined[1]! }), notDefined[1]);
  // Strict lookups inside a value that is text, a number or a truth value.
  const inOperator = /Cannot use 'in' operator to search for '([^']*)' in (.*)$/.exec(raw);
  if (inOperator)
    return new TemplateProblem(
      'unknown-variable',
      msg('diag.template.plainValue', { name: inOperator[1]!, value: JSON.stringify(inOperator[2]!.slice(0, 40)) }),
      inOperator[1],
    );
  if (err instanceof RangeError) return new TemplateProblem('too-deep', msg('diag.template.tooDeep'));
  if (/Parse error|Expecting|Lexical error|doesn't match|Invalid path|not allowed/i.test(raw)) {
    const lines = raw.split('\n').filter(Boolean);
    return new TemplateProblem('syntax', msg('diag.template.syntax', { detail: lines[lines.length - 1] ?? raw }));
  }
  const missing = /Missing helper:?\s*(.*)$/im.exec(raw);
  if (missing)
    return new TemplateProblem(
      'helper',
      msg('diag.template.missingHelper', { name: missing[1]!.trim(), helpers: [...DATE_HELPER_NAMES, 'if', 'unless', 'each', 'with', 'lookup'].join(', ') }),
    );
  return new TemplateProblem('helper', msg('diag.template.failed', { detail: raw.split('\n')[0]! }));
}
