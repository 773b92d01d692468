import type { SourceLocation } from '../core/location.js';
import type { DocPath, SourceIndex } from './types.js';

/**
 * A fast reader for the plain subset of YAML that large playbooks are written in: block mappings and
 * sequences indented with spaces, one-line flow collections, plain and quoted one-line scalars,
 * comments. It exists because the full `yaml` parser reads ~2.5 MB/s, which is most of the time of
 * validating a 10,000-step playbook. Anything outside the subset — anchors, aliases, tags, block
 * scalars, multi-line scalars or flows, complex keys, documents markers, tabs, duplicate keys,
 * forbidden or credential-like keys — makes it give up (return undefined), and the caller uses the
 * full parser, which also produces the diagnostics. Values follow YAML 1.2's core schema, as the
 * `yaml` library does; a property test checks the two agree.
 */
export function parseFastYaml(text: string, file: string, isSuspectKey: (key: string) => boolean): { value: unknown; index: SourceIndex } | undefined {
  try {
    return new FastYaml(text, file, isSuspectKey).run();
  } catch {
    // GIVE_UP, or anything unexpected (a stack overflow on absurd nesting): the full parser decides.
    return undefined;
  }
}

const GIVE_UP = Symbol('give up');
const MAX_DEPTH = 48;
function giveUp(): never {
  throw GIVE_UP;
}

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

type Pos = readonly [line: number, col: number, endCol: number];
const SEP = '\u0000';

class FastYaml {
  private readonly lines: Line[] = [];
  private readonly valuePos = new Map<string, Pos>();
  private readonly keyPos = new Map<string, Pos>();
  private i = 0;

  constructor(
    text: string,
    private readonly file: string,
    private readonly isSuspectKey: (key: string) => boolean,
  ) {
    if (text.charCodeAt(0) === 0xfeff) giveUp();
    const raw = text.split('\n');
    for (let n = 0; n < raw.length; n += 1) {
      let line = raw[n]!;
      if (line.endsWith('\r') && n < raw.length - 1) line = line.slice(0, -1); // CRLF; a lone CR stays (and gives up)
      let indent = 0;
      while (line.charCodeAt(indent) === 32) indent += 1;
      const c = line.charCodeAt(indent);
      if (Number.isNaN(c) || c === 35 /* # */) continue;
      // Tabs, stray carriage returns, control and special separator characters: the full parser's job.
      // (JavaScript's trim() takes Unicode spaces that YAML keeps, so none may appear either.)
      // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
      if (c === 9 || /[\u0000-\u001f\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(line)) giveUp();
      if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) giveUp();
      this.lines.push({ no: n + 1, indent, text: line });
    }
  }

  run(): { value: unknown; index: SourceIndex } {
    const value = this.lines.length === 0 ? null : this.block(this.lines[0]!.indent, '', 0);
    if (this.i < this.lines.length) giveUp();
    const find = (map: Map<string, Pos>, path: DocPath): Pos | undefined => {
      for (let n = path.length; n >= 0; n -= 1) {
        const p = map.get(path.slice(0, n).join(SEP));
        if (p) return p;
      }
      return undefined;
    };
    const loc = (p: Pos | undefined): SourceLocation => (p ? { file: this.file, line: p[0], col: p[1], endLine: p[0], endCol: p[2] } : { file: this.file, line: 1, col: 1 });
    const index: SourceIndex = {
      locate: (path) => loc(find(this.valuePos, path)),
      locateKey: (path) => loc(this.keyPos.get(path.join(SEP)) ?? find(this.valuePos, path)),
    };
    return { value, index };
  }

  private mark(key: string, line: number, col: number, endCol: number): void {
    this.valuePos.set(key, [line, col + 1, endCol + 1]);
  }

  /** A block node whose first line is lines[i], at `indent`. */
  private block(indent: number, path: string, depth: number): unknown {
    if (depth > MAX_DEPTH) giveUp(); // the full parser reports NESTING_TOO_DEEP
    const line = this.lines[this.i]!;
    if (line.indent !== indent) giveUp();
    if (isDash(line.text, indent)) return this.sequence(indent, path, depth);
    return this.mapping(indent, indent, path, depth);
  }

  private sequence(indent: number, path: string, depth: number): unknown[] {
    const out: unknown[] = [];
    const first = this.lines[this.i]!;
    this.mark(path, first.no, indent, indent + 1);
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.indent < indent) break;
      if (line.indent > indent || !isDash(line.text, indent)) giveUp();
      const itemPath = child(path, out.length);
      let col = indent + 1;
      while (line.text.charCodeAt(col) === 32) col += 1;
      if (col >= line.text.length || line.text.charCodeAt(col) === 35) {
        // "-" alone: the item is the block below, or null.
        this.i += 1;
        const next = this.lines[this.i];
        if (next && next.indent > indent) out.push(this.block(next.indent, itemPath, depth + 1));
        else {
          this.mark(itemPath, line.no, indent, indent + 1);
          out.push(null);
        }
        continue;
      }
      if (isDash(line.text, col)) giveUp(); // "- - x": nested compact sequences
      if (startsMappingEntry(line.text, col)) out.push(this.mapping(col, col, itemPath, depth + 1, true));
      else {
        out.push(this.inlineValue(line, col, itemPath, indent));
        this.i += 1;
      }
    }
    return out;
  }

  /**
   * A block mapping whose entries sit at column `indent`. With `compact`, the first entry starts
   * mid-line (after "- "), and the entries below sit at that same column.
   */
  private mapping(indent: number, firstCol: number, path: string, depth: number, compact = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let col = firstCol;
    let firstEntry = true;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (!(compact && firstEntry)) {
        if (line.indent < indent) break;
        if (line.indent > indent) giveUp();
        if (isDash(line.text, indent)) {
          if (compact) break;
          giveUp();
        }
        col = indent;
      }
      if (firstEntry) this.mark(path, line.no, col, col + 1);
      firstEntry = false;
      const { key, end } = this.key(line, col);
      if (Object.prototype.hasOwnProperty.call(out, key) || FORBIDDEN.has(key) || this.isSuspectKey(key)) giveUp();
      const keyPath = child(path, key);
      this.keyPos.set(keyPath, [line.no, col + 1, end + 1]);
      let v = end + 1; // after ':'
      while (line.text.charCodeAt(v) === 32) v += 1;
      if (v >= line.text.length || (line.text.charCodeAt(v) === 35 && line.text.charCodeAt(v - 1) === 32)) {
        this.i += 1;
        const next = this.lines[this.i];
        if (next && (next.indent > indent || (next.indent === indent && isDash(next.text, indent) && !compact))) {
          out[key] = this.block(next.indent, keyPath, depth + 1);
        } else {
          this.mark(keyPath, line.no, col, end + 1);
          out[key] = null;
        }
      } else {
        out[key] = this.inlineValue(line, v, keyPath, col);
        this.i += 1;
      }
    }
    return out;
  }

  /** A mapping key at `col` of the line, and the column of its ':'. */
  private key(line: Line, col: number): { key: string; end: number } {
    const t = line.text;
    const c = t[col];
    if (c === '"' || c === "'") {
      const q = readQuoted(t, col);
      if (t[q.end] !== ':' || !(q.end + 1 >= t.length || t[q.end + 1] === ' ')) giveUp();
      return { key: q.value, end: q.end };
    }
    if (c === undefined || '?:,[]{}#&*!|>%@`-'.includes(c)) giveUp();
    let end = col;
    for (;;) {
      end = t.indexOf(':', end);
      if (end < 0) giveUp();
      if (end + 1 >= t.length || t[end + 1] === ' ') break;
      end += 1;
    }
    const key = t.slice(col, end).trimEnd();
    // A key that is not a string in YAML's core schema (012, true, null…) is left to the full parser.
    if (key.includes(' #') || typeof plainScalar(key) !== 'string') giveUp();
    return { key, end };
  }

  /**
   * The value that starts at `col` and ends the line (a trailing comment allowed). `entryCol` is the
   * column of the entry that owns it (its key, or its dash): a next line indented further would
   * continue a multi-line scalar, which is outside the subset.
   */
  private inlineValue(line: Line, col: number, path: string, entryCol: number): unknown {
    const t = line.text;
    const c = t[col]!;
    let value: unknown;
    let end: number;
    if (c === '"' || c === "'") {
      const q = readQuoted(t, col);
      value = q.value;
      end = q.end;
    } else if (c === '[' || c === '{') {
      const f = new Flow(t, col, line.no, path, this);
      value = f.value();
      end = f.pos;
    } else {
      if ('&*!|>%@`,]}'.includes(c)) giveUp();
      if ((c === '-' || c === '?' || c === ':') && (t[col + 1] === ' ' || col + 1 >= t.length)) giveUp();
      const hash = t.indexOf(' #', col);
      const raw = (hash < 0 ? t.slice(col) : t.slice(col, hash)).trimEnd();
      if (raw.includes(': ') || raw.endsWith(':')) giveUp();
      value = plainScalar(raw);
      end = col + raw.length;
    }
    this.mark(path, line.no, col, end);
    restIsComment(t, end);
    const next = this.lines[this.i + 1];
    if (next && next.indent > entryCol) giveUp();
    return value;
  }

  /** Used by Flow to record positions. */
  markFlow(path: string, line: number, col: number, endCol: number): void {
    this.mark(path, line, col, endCol);
  }

  markFlowKey(path: string, line: number, col: number, endCol: number): void {
    this.keyPos.set(path, [line, col + 1, endCol + 1]);
  }

  checkKey(key: string): void {
    if (FORBIDDEN.has(key) || this.isSuspectKey(key)) giveUp();
  }
}

/** One-line flow collections: `[a, "b"]`, `{ id: x, at: +5s }`, nested. */
class Flow {
  constructor(
    private readonly t: string,
    public pos: number,
    private readonly line: number,
    private readonly path: string,
    private readonly owner: FastYaml,
  ) {}

  value(): unknown {
    return this.node(this.path, 0);
  }

  private ws(): void {
    while (this.t[this.pos] === ' ') this.pos += 1;
  }

  private node(path: string, depth: number): unknown {
    if (depth > MAX_DEPTH) giveUp();
    this.ws();
    const start = this.pos;
    const c = this.t[this.pos];
    let v: unknown;
    if (c === '[') {
      this.pos += 1;
      const arr: unknown[] = [];
      this.ws();
      if (this.t[this.pos] === ']') this.pos += 1;
      else
        for (;;) {
          arr.push(this.node(child(path, arr.length), depth + 1));
          this.ws();
          const d = this.t[this.pos];
          this.pos += 1;
          if (d === ']') break;
          if (d !== ',') giveUp();
          this.ws();
          if (this.t[this.pos] === ']') giveUp();
        }
      v = arr;
    } else if (c === '{') {
      this.pos += 1;
      const obj: Record<string, unknown> = {};
      this.ws();
      if (this.t[this.pos] === '}') this.pos += 1;
      else
        for (;;) {
          this.ws();
          const keyStart = this.pos;
          const key = this.scalarText(true);
          if (typeof key !== 'string' || Object.prototype.hasOwnProperty.call(obj, key)) giveUp();
          this.owner.checkKey(key);
          this.owner.markFlowKey(child(path, key), this.line, keyStart, this.pos);
          this.ws();
          if (this.t[this.pos] !== ':') giveUp();
          this.pos += 1;
          if (this.t[this.pos] !== ' ') giveUp();
          obj[key] = this.node(child(path, key), depth + 1);
          this.ws();
          const d = this.t[this.pos];
          this.pos += 1;
          if (d === '}') break;
          if (d !== ',') giveUp();
        }
      v = obj;
    } else {
      v = this.scalarText(false);
    }
    this.owner.markFlow(path, this.line, start, this.pos);
    return v;
  }

  /** A scalar inside a flow: quoted, or plain up to , ] } or ": ". Keys stay strings. */
  private scalarText(asKey: boolean): unknown {
    const c = this.t[this.pos];
    if (c === '"' || c === "'") {
      const q = readQuoted(this.t, this.pos);
      this.pos = q.end;
      return q.value;
    }
    if (c === undefined || '[]{},#&*!|>%@`?'.includes(c)) giveUp();
    if ((c === '-' || c === ':') && (this.t[this.pos + 1] === ' ' || this.t[this.pos + 1] === undefined)) giveUp();
    const start = this.pos;
    while (this.pos < this.t.length) {
      const d = this.t[this.pos]!;
      if (d === ',' || d === ']' || d === '}') break;
      if (d === ':' && (this.t[this.pos + 1] === ' ' || this.t[this.pos + 1] === ',' || this.t[this.pos + 1] === '}' || this.t[this.pos + 1] === undefined)) break;
      if (d === '#' && this.t[this.pos - 1] === ' ') giveUp();
      if (d === '[' || d === '{') giveUp();
      this.pos += 1;
    }
    const raw = this.t.slice(start, this.pos).trimEnd();
    if (raw === '') giveUp();
    const value = plainScalar(raw);
    if (asKey && typeof value !== 'string') giveUp();
    return value;
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Paths are kept as `DocPath.join(SEP)` strings, built one segment at a time. */
function child(path: string, seg: string | number): string {
  return path === '' ? String(seg) : `${path}${SEP}${seg}`;
}

function isDash(text: string, col: number): boolean {
  return text.charCodeAt(col) === 45 && (col + 1 >= text.length || text.charCodeAt(col + 1) === 32);
}

/** Does a mapping entry ("key: …" or "key:") start at `col`? */
function startsMappingEntry(text: string, col: number): boolean {
  const c = text[col];
  if (c === '"' || c === "'") {
    try {
      const q = readQuoted(text, col);
      return text[q.end] === ':';
    } catch {
      return false;
    }
  }
  if (c === '[' || c === '{') return false;
  const m = /:( |$)/.exec(text.slice(col));
  if (!m) return false;
  const before = text.slice(col, col + m.index);
  return !before.includes(' #') && !before.includes('"') && !before.includes("'");
}

function restIsComment(text: string, end: number): void {
  let k = end;
  while (text.charCodeAt(k) === 32) k += 1;
  if (k < text.length && !(text[k] === '#' && k > end)) giveUp();
}

/** A one-line quoted scalar starting at `col`; `end` is the column after the closing quote. */
function readQuoted(text: string, col: number): { value: string; end: number } {
  const q = text[col];
  let out = '';
  let k = col + 1;
  if (q === "'") {
    for (;;) {
      if (k >= text.length) giveUp();
      const c = text[k]!;
      if (c === "'") {
        if (text[k + 1] === "'") {
          out += "'";
          k += 2;
          continue;
        }
        return { value: out, end: k + 1 };
      }
      out += c;
      k += 1;
    }
  }
  for (;;) {
    if (k >= text.length) giveUp();
    const c = text[k]!;
    if (c === '"') return { value: out, end: k + 1 };
    if (c === '\\') {
      const e = text[k + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', ' ': ' ' };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        k += 2;
        continue;
      }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(k + 2, k + 6))) {
        out += String.fromCharCode(parseInt(text.slice(k + 2, k + 6), 16));
        k += 6;
        continue;
      }
      giveUp();
    }
    out += c;
    k += 1;
  }
}

/** YAML 1.2 core schema for plain scalars, as the `yaml` library resolves them. */
function plainScalar(raw: string): unknown {
  if (raw === '' || raw === '~' || raw === 'null' || raw === 'Null' || raw === 'NULL') return null;
  if (raw === 'true' || raw === 'True' || raw === 'TRUE') return true;
  if (raw === 'false' || raw === 'False' || raw === 'FALSE') return false;
  if (/^[-+]?[0-9]+$/.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : giveUp();
  }
  if (/^0o[0-7]+$/.test(raw) || /^0x[0-9a-fA-F]+$/.test(raw)) giveUp();
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(raw)) giveUp();
  if (/^[-+]?\.(inf|Inf|INF)$/.test(raw) || /^\.(nan|NaN|NAN)$/.test(raw)) giveUp();
  return raw;
}
