import { resolve } from 'node:path';
import { DiagnosticCodes, nameList, type Diagnostic } from '../core/diagnostic.js';
import { UsageError } from '../core/errors.js';
import type { SourceLocation } from '../core/location.js';
import { msg } from '../i18n/index.js';
import type { VarValue } from '../load/playbook.generated.js';
import type { LoadedPlaybook } from '../load/types.js';
import { DEFAULT_LIMITS, parseYamlText, readYamlFile } from '../load/yaml-file.js';
import { RESERVED_NAMES } from './engine.js';
import type { ExternalVars } from './types.js';

/** Where a variable's value came from, so a type error can point at it. */
interface Sourced {
  readonly value: unknown;
  readonly at: SourceLocation;
  /** True for --var text, which is coerced to the declared type. */
  readonly fromCli: boolean;
}

// A location like a file name (`<command line>:1:1`), the same in every language, as file names are.
// i18n-exempt: a pseudo file name in the location (and in JSON's `file` field), not prose
const CLI_LOCATION: SourceLocation = { file: '<command line>', line: 1, col: 1 };

/**
 * The effective variables, in increasing precedence:
 * template param defaults < vars of extended files < the playbook's vars < --vars FILE < --var k=v.
 * Declared params are type-checked (--var text is coerced to the declared type); a required param
 * without a value is an error; a --var that no param declares is a warning when params are declared.
 */
export function resolveVars(loaded: LoadedPlaybook, external: ExternalVars, cwd: string): { vars: Record<string, VarValue>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sourced = new Map<string, Sourced>();
  for (const p of Object.values(loaded.params)) {
    if (p.default !== undefined) sourced.set(p.name, { value: p.default, at: p.declaredAt, fromCli: false });
  }
  for (const [k, v] of Object.entries(loaded.doc.vars ?? {})) sourced.set(k, { value: v, at: loaded.source.locate(['vars', k]), fromCli: false });

  // A value from outside the playbook for a name that no param declares (and no vars: sets) is
  // probably a typo: a warning, the same for --vars and --var.
  const paramNames = Object.keys(loaded.params);
  const knownParams = nameList(paramNames);
  const warnUndeclared = (name: string, what: string, at: SourceLocation): void => {
    if (paramNames.length > 0 && !loaded.params[name] && !(name in (loaded.doc.vars ?? {}))) {
      diagnostics.push({
        code: DiagnosticCodes.UNKNOWN_PARAM,
        severity: 'warning',
        message: msg('diag.vars.undeclared', { source: what, name, known: knownParams }),
        location: at,
      });
    }
  };
  if (external.varsFile) {
    const path = resolve(cwd, external.varsFile);
    const read = readYamlFile(path, DEFAULT_LIMITS, external.varsFile);
    // A file that cannot be read is a usage error (exit 2), like a playbook that cannot be read.
    if (read.unreadable) throw new UsageError(msg('diag.vars.varsFileUnreadable', { file: external.varsFile, reason: read.unreadable }));
    diagnostics.push(...read.diagnostics);
    const value = read.yaml?.value;
    if (read.yaml && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      diagnostics.push({
        code: DiagnosticCodes.PARAM_TYPE,
        severity: 'error',
        message: msg('diag.vars.varsFileNotMapping'),
        location: read.yaml.index.locate([]),
      });
    } else if (read.yaml) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        warnUndeclared(k, `--vars ${external.varsFile}`, read.yaml.index.locateKey([k]));
        sourced.set(k, { value: v, at: read.yaml.index.locate([k]), fromCli: false });
      }
    }
  }
  for (const pair of external.cliVars ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      diagnostics.push({
        code: DiagnosticCodes.PARAM_TYPE,
        severity: 'error',
        message: msg('diag.vars.varNeedsPair', { value: JSON.stringify(pair) }),
        location: CLI_LOCATION,
      });
      continue;
    }
    const name = pair.slice(0, eq);
    warnUndeclared(name, '--var', CLI_LOCATION);
    sourced.set(name, { value: pair.slice(eq + 1), at: CLI_LOCATION, fromCli: true });
  }

  // One name, one meaning: a variable named like a helper (`log`, `date`, `lookup`…) or like the
  // context's own `event`/`channels` would mean two things depending on how it is used.
  const reservedAt = new Map<string, SourceLocation>();
  for (const p of Object.values(loaded.params)) if (RESERVED_NAMES.has(p.name)) reservedAt.set(p.name, p.declaredAt);
  for (const [name, s] of sourced) {
    if (!RESERVED_NAMES.has(name) || reservedAt.has(name)) continue;
    reservedAt.set(name, loaded.doc.vars && name in loaded.doc.vars && s.at.file !== CLI_LOCATION.file ? loaded.source.locateKey(['vars', name]) : s.at);
  }
  for (const [name, at] of reservedAt) {
    diagnostics.push({
      code: DiagnosticCodes.RESERVED_NAME,
      severity: 'error',
      message: msg('diag.vars.reserved', { name, reserved: [...RESERVED_NAMES].sort().join(', ') }),
      location: at,
    });
  }
  const vars: Record<string, VarValue> = Object.create(null) as Record<string, VarValue>;
  const mistyped = new Set<string>();
  for (const [name, s] of sourced) {
    if (reservedAt.has(name)) continue;
    const param = loaded.params[name];
    const value = param && s.fromCli ? coerce(s.value as string, param.type) : s.value;
    if (param && !hasType(value, param.type)) {
      mistyped.add(name);
      diagnostics.push({
        code: DiagnosticCodes.PARAM_TYPE,
        severity: 'error',
        message: msg('diag.vars.wrongType', { name, type: param.type, value: JSON.stringify(s.value) }),
        location: s.at,
        related: [{ location: param.declaredAt, message: msg('diag.common.declaredHere') }],
      });
      continue;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') vars[name] = value;
    else {
      mistyped.add(name);
      diagnostics.push({ code: DiagnosticCodes.PARAM_TYPE, severity: 'error', message: msg('diag.vars.notScalar', { name }), location: s.at });
    }
  }
  for (const p of Object.values(loaded.params)) {
    if (p.required && !(p.name in vars) && !mistyped.has(p.name) && !reservedAt.has(p.name)) {
      diagnostics.push({
        code: DiagnosticCodes.MISSING_PARAM,
        severity: 'error',
        message: p.description ? msg('diag.vars.requiredDescribed', { name: p.name, description: p.description }) : msg('diag.vars.required', { name: p.name }),
        location: loaded.source.locate(['vars']),
        related: [{ location: p.declaredAt, message: msg('diag.common.declaredHere') }],
      });
    }
  }
  return { vars, diagnostics };
}

function coerce(text: string, type: string): unknown {
  switch (type) {
    case 'integer':
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return typeof v === 'string' || typeof v === 'number';
  }
}

export { parseYamlText };
