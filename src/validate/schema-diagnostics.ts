import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import { stepIds } from '../load/step-id.js';
import { limitDiagnostics, MAX_DIAGNOSTICS_PER_FILE } from '../load/diagnostic-limit.js';
import type { DocPath, SourceIndex } from '../load/types.js';
import { closestKey, knownKeysAt } from './key-suggestion.js';
import { playbookValidator, type SchemaError } from './schema-validator.js';

const KIND_NAMES = ['message', 'checkin', 'chatExport', 'historyExport', 'reportExport'];

/**
 * Validates one file's document against the schema and turns ajv's errors into located diagnostics:
 * each points at the offending key or value, names the step, and the noisy cascades of `oneOf` are
 * reduced to the most specific error.
 */
export function schemaDiagnostics(value: unknown, index: SourceIndex): Diagnostic[] {
  const validate = playbookValidator();
  if (validate(value)) return [];
  const errors = reduceErrors(validate.errors ?? []);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  let ids: string[] | undefined;
  const stepIdOf = (path: DocPath): string | undefined => {
    if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
    const steps = getAt(value, ['steps']);
    if (!Array.isArray(steps)) return undefined;
    ids ??= stepIds(steps);
    return ids[path[1]];
  };
  let omitted = 0;
  for (const e of errors) {
    if (out.length >= MAX_DIAGNOSTICS_PER_FILE) {
      omitted += 1;
      continue;
    }
    const path = pointerToPath(e.instancePath);
    const { message, keyPath } = describe(e, path, value);
    const location = keyPath ? index.locateKey(keyPath) : index.locate(path);
    const key = `${location.line}:${location.col}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const stepId = stepIdOf(path);
    out.push({ code: DiagnosticCodes.SCHEMA, severity: 'error', message, location, ...(stepId ? { stepId } : {}) });
  }
  return limitDiagnostics(out, index.locate([]), MAX_DIAGNOSTICS_PER_FILE, omitted);
}

function reduceErrors(errors: readonly SchemaError[]): SchemaError[] {
  // A step with a known kind produces errors from its own branch; drop the umbrella errors.
  const specific = errors.filter((e) => !['oneOf', 'anyOf', 'allOf', 'if', 'propertyNames'].includes(e.keyword));
  const kept = specific.length > 0 ? specific : [...errors];
  // For a `oneOf` of a string or a list (channel refs), ajv reports both branches; keep one per path.
  const byPath = new Map<string, SchemaError>();
  for (const e of kept) {
    const k = `${e.instancePath}|${e.keyword === 'type' ? 'type' : e.keyword + JSON.stringify(e.params)}`;
    if (!byPath.has(k)) byPath.set(k, e);
  }
  // (Two `type` errors on one value — string or array — are one key above, so they became one.)
  return [...byPath.values()];
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function where(path: DocPath, value: unknown): string {
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const step = getAt(value, path.slice(0, 2)) as Record<string, unknown> | undefined;
    const kind = typeof step?.['kind'] === 'string' ? `${step['kind']} step` : 'step';
    const rest = path.slice(2);
    return `${kind}${rest.length ? ` field \`${rest.join('.')}\`` : ''}`;
  }
  return path.length ? `\`${path.join('.')}\`` : 'the playbook';
}

function describe(e: SchemaError, path: (string | number)[], value: unknown): { message: string; keyPath?: DocPath } {
  const p = e.params as Record<string, unknown>;
  const propertyName = (e as SchemaError & { propertyName?: string }).propertyName;
  if (propertyName !== undefined) {
    // A name under params, channels or vars (an alias, a variable).
    return {
      message: `${JSON.stringify(propertyName)} is not a valid name in ${where(path, value)}: a name starts with a letter or _, then letters, digits, _ or - (at most 64 characters)`,
      keyPath: [...path, propertyName],
    };
  }
  switch (e.keyword) {
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const key = String(p['unevaluatedProperty'] ?? p['additionalProperty']);
      const near = closestKey(key, knownKeysAt(path, value));
      return { message: `unknown key \`${key}\` in ${where(path, value)}${near ? ` (did you mean \`${near}\`?)` : ''}`, keyPath: [...path, key] };
    }
    case 'discriminator':
      if (p['error'] === 'mapping')
        return { message: `\`kind\` must be one of ${KIND_NAMES.join(', ')} (got ${JSON.stringify(p['tagValue'])})`, keyPath: [...path, 'kind'] };
      return { message: `a step needs a \`kind\`: one of ${KIND_NAMES.join(', ')}` };
    case 'required':
      return { message: `${where(path, value)} is missing \`${String(p['missingProperty'])}\`` };
    case 'enum':
      return { message: `${where(path, value)} must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { message: `${where(path, value)} must be ${JSON.stringify(p['allowedValue'])}` };
    case 'type':
      return { message: `${where(path, value)} must be ${String(p['type']).replace(',', ' or ')}` };
    case 'pattern':
      return { message: `${where(path, value)} has an invalid value ${JSON.stringify(getAt(value, path))}` };
    default:
      return { message: `${where(path, value)} ${e.message ?? 'is invalid'}` };
  }
}

function getAt(value: unknown, path: DocPath): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
