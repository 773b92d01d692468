import { readFileSync, statSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair } from 'yaml';
import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import { systemReason } from '../core/file-error.js';
import type { SourceLocation } from '../core/location.js';
import { msg, type Msg } from '../i18n/index.js';
import type { DocPath, SourceIndex } from './types.js';

/**
 * Limits that keep hostile input (alias bombs, huge or deeply nested files) bounded in time and memory.
 * The file size bounds the parse: the `yaml` library needs about a second and ~200 MB per MiB of
 * playbook, so 2 MiB — about 20,000 ordinary steps — stays within seconds.
 */
export interface LoadLimits {
  readonly maxBytes: number;
  readonly maxAliasCount: number;
  readonly maxDepth: number;
  /** Steps one file may hold: 4 MiB of `- {}` would otherwise be ~800,000 steps to check. */
  readonly maxSteps: number;
}

export const DEFAULT_LIMITS: LoadLimits = Object.freeze({ maxBytes: 2 * 1024 * 1024, maxAliasCount: 200, maxDepth: 64, maxSteps: 10_000 });

/** One YAML file, parsed, with the positions of its nodes. */
export interface YamlFile {
  readonly file: string;
  readonly value: unknown;
  readonly index: SourceIndex;
  /** The file holds no document (empty, only comments, or a bare `null`). */
  readonly empty?: boolean;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Keys that hold credentials. Matching is on the normalised key (lower case, no - or _). */
const CREDENTIAL_KEYS = new Set([
  'appsecret',
  'secret',
  'secretkey',
  'appkey',
  'password',
  'passwd',
  'token',
  'accesstoken',
  'accesskey',
  'apikey',
  'sign',
  'signature',
  'privatekey',
]);

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

/**
 * Reads and parses one YAML file. Problems are returned as diagnostics; `yaml` is absent when the file
 * could not be read or parsed at all. `unreadable` is set when the file itself could not be read.
 */
export function readYamlFile(file: string, limits: LoadLimits, displayName: string): { yaml?: YamlFile; diagnostics: Diagnostic[]; unreadable?: Msg } {
  const at0: SourceLocation = { file: displayName, line: 1, col: 1 };
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > limits.maxBytes) {
      return { diagnostics: [diag(DiagnosticCodes.FILE_TOO_LARGE, msg('diag.file.tooLarge', { size, max: limits.maxBytes }), at0)] };
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? msg('diag.file.noSuchFile') : systemReason(code);
    return { diagnostics: [diag(DiagnosticCodes.FILE_UNREADABLE, msg('diag.file.unreadable', { file: displayName, reason }), at0)], unreadable: reason };
  }
  return parseYamlText(text, displayName, limits);
}

export function parseYamlText(text: string, displayName: string, limits: LoadLimits): { yaml?: YamlFile; diagnostics: Diagnostic[] } {
  const lc = new LineCounter();
  const pos = (offset: number): { line: number; col: number } => lc.linePos(offset);
  const loc = (range: readonly number[] | null | undefined): SourceLocation => {
    if (!range) return { file: displayName, line: 1, col: 1 };
    const a = pos(range[0]!);
    const b = pos(range[1] ?? range[0]!);
    return { file: displayName, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  };
  // Duplicate keys are checked below, in one pass: the library's own check compares each key with
  // every earlier key of its mapping, which is quadratic (80,000 variables took minutes).
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const message =
      e.code === 'MULTIPLE_DOCS'
        ? msg('diag.yaml.multipleDocs')
        : yamlSyntaxMessage(e.code, e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, ''));
    diagnostics.push(diag(DiagnosticCodes.YAML_SYNTAX, message, loc(e.pos)));
  }
  if (diagnostics.length > 0) return { diagnostics };

  // Keys are checked on the syntax tree, before any object is built from it.
  let depthExceeded = false;
  const keysSeen = new WeakMap<object, Set<string>>();
  visit(doc, {
    Pair(_key, pair, path) {
      if (path.length > limits.maxDepth * 2 + 2) {
        if (!depthExceeded)
          diagnostics.push(diag(DiagnosticCodes.NESTING_TOO_DEEP, msg('diag.yaml.tooDeep', { max: limits.maxDepth }), loc((pair.key as Node | null)?.range)));
        depthExceeded = true;
        return visit.BREAK;
      }
      if (pair.key !== null && !isScalar(pair.key)) {
        diagnostics.push(diag(DiagnosticCodes.YAML_SYNTAX, msg('diag.yaml.keyNotScalar'), loc((pair.key as Node).range)));
        return visit.SKIP;
      }
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) return undefined;
      // Unique per mapping, as the library's `uniqueKeys` means it: equal scalar values (1 and "1" differ).
      const map = path[path.length - 1] as object;
      let seen = keysSeen.get(map);
      if (!seen) keysSeen.set(map, (seen = new Set()));
      const identity = `${typeof (pair.key as { value: unknown }).value}:${key}`;
      if (seen.has(identity)) {
        diagnostics.push(diag(DiagnosticCodes.YAML_SYNTAX, msg('diag.yaml.duplicateKey', { key }), loc((pair.key as Node).range)));
        return visit.SKIP;
      }
      seen.add(identity);
      if (FORBIDDEN_KEYS.has(key)) {
        diagnostics.push(diag(DiagnosticCodes.FORBIDDEN_KEY, msg('diag.yaml.forbiddenKey', { key }), loc((pair.key as Node).range)));
      } else if (isCredentialKey(key)) {
        diagnostics.push(diag(DiagnosticCodes.CREDENTIAL_IN_PLAYBOOK, msg('diag.yaml.credentialKey', { key }), loc((pair.key as Node).range)));
      }
      return undefined;
    },
    Seq(_key, _seq, path) {
      if (path.length > limits.maxDepth * 2 + 2 && !depthExceeded) {
        depthExceeded = true;
        diagnostics.push(diag(DiagnosticCodes.NESTING_TOO_DEEP, msg('diag.yaml.tooDeep', { max: limits.maxDepth }), loc(_seq.range)));
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (diagnostics.length > 0) return { diagnostics };

  const steps = isMap(doc.contents) ? doc.contents.get('steps', true) : undefined;
  if (isSeq(steps) && steps.items.length > limits.maxSteps) {
    const first = steps.items[limits.maxSteps] as Node | null;
    return {
      diagnostics: [
        diag(
          DiagnosticCodes.TOO_MANY_STEPS,
          msg('diag.yaml.tooManySteps', { count: steps.items.length, max: limits.maxSteps }),
          loc(first?.range ?? steps.range),
        ),
      ],
    };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(detail)) {
      const firstAlias = findFirstAlias(doc);
      return {
        diagnostics: [diag(DiagnosticCodes.YAML_ALIAS_LIMIT, msg('diag.yaml.aliasBomb', { max: limits.maxAliasCount }), loc(firstAlias?.range))],
      };
    }
    return { diagnostics: [diag(DiagnosticCodes.YAML_SYNTAX, yamlSyntaxMessage(undefined, detail), loc(doc.contents?.range))] };
  }
  const empty = value === null || value === undefined;
  if (empty) value = {};
  const index = yamlIndex(doc, loc);
  return { yaml: { file: displayName, value, index, ...(empty ? { empty } : {}) }, diagnostics };
}

function findFirstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_k, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** Locates nodes of one parsed document by path, falling back to the nearest ancestor. */
function yamlIndex(doc: Document, loc: (r: readonly number[] | null | undefined) => SourceLocation): SourceIndex {
  // Each mapping's keys, indexed on first use: locating one of 100,000 channels or variables must not
  // scan the other 99,999 (every diagnostic locates its node).
  const keysOf = new WeakMap<object, Map<string, Pair>>();
  const pairOf = (map: { items: unknown[] }, key: string): Pair | undefined => {
    let keys = keysOf.get(map);
    if (!keys) {
      keys = new Map();
      for (const p of map.items) if (isPair(p) && isScalar(p.key) && !keys.has(String(p.key.value))) keys.set(String(p.key.value), p);
      keysOf.set(map, keys);
    }
    return keys.get(key);
  };
  const walk = (path: DocPath): { node?: Node; keyNode?: Node } => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    let last: Node | undefined = doc.contents ?? undefined;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = pairOf(node, String(seg));
        if (!pair) return { node: last, keyNode: undefined };
        keyNode = pair.key as Node;
        node = pair.value;
        last = (pair.value as Node | null) ?? keyNode;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
        keyNode = undefined;
        if (!node) return { node: last };
        last = node as Node;
      } else {
        return { node: last };
      }
    }
    return { node: last, ...(keyNode ? { keyNode } : {}) };
  };
  return {
    locate: (path) => loc(walk(path).node?.range),
    locateKey: (path) => {
      const w = walk(path);
      return loc((w.keyNode ?? w.node)?.range);
    },
  };
}

function diag(code: Diagnostic['code'], message: Msg, location: SourceLocation): Diagnostic {
  return { code, severity: 'error', message, location };
}

/** The parser's error codes that have their own explanation in the catalogs (diag.yaml.syntax.*). */
const YAML_CODES = new Set([
  'ALIAS_PROPS',
  'BAD_ALIAS',
  'BAD_COLLECTION_TYPE',
  'BAD_DIRECTIVE',
  'BAD_DQ_ESCAPE',
  'BAD_INDENT',
  'BAD_PROP_ORDER',
  'BAD_SCALAR_START',
  'BLOCK_AS_IMPLICIT_KEY',
  'BLOCK_IN_FLOW',
  'DUPLICATE_KEY',
  'KEY_OVER_1024_CHARS',
  'MISSING_CHAR',
  'MULTILINE_IMPLICIT_KEY',
  'MULTIPLE_ANCHORS',
  'MULTIPLE_TAGS',
  'NON_STRING_KEY',
  'TAB_AS_INDENT',
  'TAG_RESOLVE_FAILED',
  'UNEXPECTED_TOKEN',
] as const);
type YamlCode = typeof YAML_CODES extends Set<infer C> ? C : never;

/**
 * A syntax error of the `yaml` parser: explained per error code in the reader's language, with the
 * parser's own detail (English, and the most precise) kept beside it.
 */
function yamlSyntaxMessage(code: string | undefined, detail: string): Msg {
  const known = code !== undefined && (YAML_CODES as ReadonlySet<string>).has(code) ? (code as YamlCode) : 'other';
  return msg(`diag.yaml.syntax.${known}`, { detail });
}
