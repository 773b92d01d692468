import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import { list, msg, type ListParam, type Msg } from '../i18n/index.js';
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
    const key = `${location.line}:${location.col}:${JSON.stringify(message)}`;
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

/** Where in the document a value is, as the messages name it: `message step field \`text\``, `` `event.timezone` ``. */
function where(path: DocPath, value: unknown): Msg {
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const step = getAt(value, path.slice(0, 2)) as Record<string, unknown> | undefined;
    const kind = typeof step?.['kind'] === 'string' ? step['kind'] : undefined;
    const field = path.slice(2).join('.');
    if (kind !== undefined) return field ? msg('diag.schema.where.kindStepField', { kind, field }) : msg('diag.schema.where.kindStep', { kind });
    return field ? msg('diag.schema.where.stepField', { field }) : msg('diag.schema.where.step');
  }
  return path.length ? msg('diag.schema.where.path', { path: path.join('.') }) : msg('diag.schema.where.playbook');
}

const TYPE_NAMES = {
  string: msg('diag.schema.type.string'),
  integer: msg('diag.schema.type.integer'),
  number: msg('diag.schema.type.number'),
  boolean: msg('diag.schema.type.boolean'),
  object: msg('diag.schema.type.object'),
  array: msg('diag.schema.type.array'),
  null: msg('diag.schema.type.null'),
} as const satisfies Record<string, Msg>;

/** `string,integer` (ajv's form) → "a string or an integer", in the reader's language. */
function typeNames(types: unknown): ListParam {
  const names = (Array.isArray(types) ? types : String(types).split(',')).map((t) => {
    const name = String(t).trim();
    return Object.hasOwn(TYPE_NAMES, name) ? TYPE_NAMES[name as keyof typeof TYPE_NAMES] : name;
  });
  return list(names, 'or');
}

/** Each ajv keyword the schema uses becomes one message of ours, with the values it names. */
function describe(e: SchemaError, path: (string | number)[], value: unknown): { message: Msg; keyPath?: DocPath } {
  const p = e.params as Record<string, unknown>;
  const propertyName = (e as SchemaError & { propertyName?: string }).propertyName;
  const at = where(path, value);
  if (propertyName !== undefined) {
    // A name under params, channels or vars (an alias, a variable).
    return { message: msg('diag.schema.invalidName', { name: JSON.stringify(propertyName), where: at }), keyPath: [...path, propertyName] };
  }
  const limit = Number(p['limit']);
  switch (e.keyword) {
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const key = String(p['unevaluatedProperty'] ?? p['additionalProperty']);
      const near = closestKey(key, knownKeysAt(path, value));
      return {
        message: near ? msg('diag.schema.unknownKeySuggest', { key, where: at, suggestion: near }) : msg('diag.schema.unknownKey', { key, where: at }),
        keyPath: [...path, key],
      };
    }
    case 'discriminator':
      if (p['error'] === 'mapping')
        return { message: msg('diag.schema.kindUnknown', { kinds: KIND_NAMES.join(', '), value: JSON.stringify(p['tagValue']) }), keyPath: [...path, 'kind'] };
      return { message: msg('diag.schema.kindMissing', { kinds: KIND_NAMES.join(', ') }) };
    case 'required':
      return { message: msg('diag.schema.required', { where: at, property: String(p['missingProperty']) }) };
    case 'enum':
      return { message: msg('diag.schema.enum', { where: at, values: (p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ') }) };
    case 'const':
      return { message: msg('diag.schema.const', { where: at, value: JSON.stringify(p['allowedValue']) }) };
    case 'type':
      return { message: msg('diag.schema.wrongType', { where: at, types: typeNames(p['type']) }) };
    case 'pattern':
      return { message: msg('diag.schema.pattern', { where: at, value: JSON.stringify(getAt(value, path)) }) };
    case 'minLength':
      return { message: limit === 1 ? msg('diag.schema.notEmpty', { where: at }) : msg('diag.schema.minLength', { where: at, limit }) };
    case 'maxLength':
      return { message: msg('diag.schema.maxLength', { where: at, limit }) };
    case 'minimum':
      return { message: msg('diag.schema.minimum', { where: at, limit }) };
    case 'maximum':
      return { message: msg('diag.schema.maximum', { where: at, limit }) };
    case 'minItems':
      return { message: msg('diag.schema.minItems', { where: at, limit }) };
    case 'uniqueItems': {
      // ajv's indices are 0-based and the later one first; people count items from 1.
      const [i, j] = [Number(p['i']), Number(p['j'])].sort((x, y) => x - y);
      return { message: msg('diag.schema.uniqueItems', { where: at, first: i! + 1, second: j! + 1 }) };
    }
    default:
      // A keyword the schema does not use today: ajv's own English words, said as invalid.
      return { message: msg('diag.schema.other', { where: at, detail: e.message ?? e.keyword }) };
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
