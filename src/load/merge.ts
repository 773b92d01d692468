import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import { msg } from '../i18n/index.js';
import type { Param, RunbookPlaybook } from './playbook.generated.js';
import type { DeclaredParam, DocPath, SourceIndex } from './types.js';
import type { YamlFile } from './yaml-file.js';

type Obj = Record<string, unknown>;
const SECTIONS = ['event', 'channels', 'vars', 'params', 'defaults'] as const;

/**
 * Merges an `extends:` chain, base first. Sections merge key by key (the extending file wins);
 * `defaults.policy` merges field by field; `event.end` and `event.duration` replace each other.
 * Steps: the base's, then the extending file's — except that a step whose explicit `id` matches a
 * base step replaces it in place. The merged SourceIndex locates every value in the file it came from.
 */
export function mergeChain(
  chain: readonly YamlFile[],
  invalid: readonly ReadonlySet<number>[] = [],
): { doc: RunbookPlaybook; source: SourceIndex; params: Record<string, DeclaredParam>; invalidSteps: Set<number>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const merged: Obj = Object.create(null) as Obj;
  const fieldOrigin = new Map<string, number>();
  const steps: Obj[] = [];
  const stepIndexById = new Map<string, number>();
  const stepOrigin: { file: number; index: number }[] = [];
  const params: Record<string, DeclaredParam> = Object.create(null) as Record<string, DeclaredParam>;
  // chain is [lesson, template, ...]; merge from the far end.
  for (let f = chain.length - 1; f >= 0; f -= 1) {
    const file = chain[f]!;
    const value = isObj(file.value) ? file.value : {};
    const ev = value['event'];
    if (isObj(ev) && ev['end'] !== undefined && ev['duration'] !== undefined) {
      // Which one was meant cannot be known; a lesson an hour off is worse than an error.
      diagnostics.push({
        code: DiagnosticCodes.EVENT_TIMES,
        severity: 'error',
        message: msg('diag.load.endAndDuration'),
        location: file.index.locateKey(['event', 'duration']),
        related: [{ location: file.index.locateKey(['event', 'end']), message: msg('diag.load.endHere') }],
      });
    }
    for (const section of SECTIONS) {
      const part = value[section];
      if (!isObj(part)) continue;
      const target = (merged[section] ??= Object.create(null)) as Obj;
      for (const [k, v] of Object.entries(part)) {
        if (section === 'params') {
          const prev = params[k];
          const p = v as Param;
          if (prev && isObj(p) && prev.type !== p.type) {
            diagnostics.push({
              code: DiagnosticCodes.PARAM_TYPE,
              severity: 'error',
              message: msg('diag.load.paramRedeclared', { name: k, type: p.type, file: prev.declaredAt.file, previous: prev.type }),
              location: file.index.locate(['params', k, 'type']),
              related: [{ location: prev.declaredAt, message: msg('diag.load.firstDeclaredHere') }],
            });
            continue;
          }
          if (isObj(p)) params[k] = { ...(prev ?? {}), ...p, name: k, declaredAt: file.index.locateKey(['params', k]) } as DeclaredParam;
        }
        if (section === 'defaults' && k === 'policy' && isObj(v) && isObj(target[k])) target[k] = { ...(target[k] as Obj), ...v };
        else target[k] = v;
        fieldOrigin.set(`${section}.${k}`, f);
        if (section === 'event' && k === 'end') delete target['duration'];
        if (section === 'event' && k === 'duration') delete target['end'];
      }
    }
    const fileSteps = Array.isArray(value['steps']) ? value['steps'] : [];
    const idsInFile = new Map<string, number>();
    fileSteps.forEach((step, i) => {
      const id = isObj(step) && typeof step['id'] === 'string' ? step['id'] : undefined;
      if (id !== undefined) {
        const first = idsInFile.get(id);
        if (first !== undefined) {
          diagnostics.push({
            code: DiagnosticCodes.DUPLICATE_STEP_ID,
            severity: 'error',
            message: msg('diag.load.duplicateStepIdInFile', { id }),
            location: file.index.locate(['steps', i, 'id']),
            stepId: id,
            related: [{ location: file.index.locate(['steps', first, 'id']), message: msg('diag.common.firstUsedHere'), stepId: id }],
          });
          return;
        }
        idsInFile.set(id, i);
        const replaced = stepIndexById.get(id) ?? -1;
        if (replaced >= 0) {
          steps[replaced] = step as Obj;
          stepOrigin[replaced] = { file: f, index: i };
          return;
        }
      }
      if (id !== undefined) stepIndexById.set(id, steps.length);
      steps.push(step as Obj);
      stepOrigin.push({ file: f, index: i });
    });
  }
  merged['steps'] = steps;
  // Steps that failed the schema in their own file, by their index in the merged list.
  const invalidSteps = new Set<number>();
  stepOrigin.forEach((o, k) => {
    if (invalid[o.file]?.has(o.index)) invalidSteps.add(k);
  });

  const lessonIndex = chain[0]!.index;
  const source: SourceIndex = {
    locate: (path) => route(path).locate(rest(path)),
    locateKey: (path) => route(path).locateKey(rest(path)),
  };
  function route(path: DocPath): SourceIndex {
    if (path[0] === 'steps' && typeof path[1] === 'number') {
      const o = stepOrigin[path[1]];
      return o ? chain[o.file]!.index : lessonIndex;
    }
    if (path.length >= 2) {
      const f = fieldOrigin.get(`${String(path[0])}.${String(path[1])}`);
      if (f !== undefined) return chain[f]!.index;
    }
    const owner = chain.findIndex((c) => isObj(c.value) && path[0] !== undefined && c.value[path[0]] !== undefined);
    return owner >= 0 ? chain[owner]!.index : lessonIndex;
  }
  function rest(path: DocPath): DocPath {
    if (path[0] === 'steps' && typeof path[1] === 'number') {
      const o = stepOrigin[path[1]];
      return o ? ['steps', o.index, ...path.slice(2)] : path;
    }
    return path;
  }
  return { doc: merged as RunbookPlaybook, source, params, invalidSteps, diagnostics };
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
