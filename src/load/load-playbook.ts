import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import type { SourceLocation } from '../core/location.js';
import { msg } from '../i18n/index.js';
import { mergeChain } from './merge.js';
import { stepIds } from './step-id.js';
import type { LoadResult, SourceIndex } from './types.js';
import { DEFAULT_LIMITS, readYamlFile, type LoadLimits, type YamlFile } from './yaml-file.js';

export interface LoadOptions {
  /** Paths in diagnostics are shown relative to this folder (the CLI passes its cwd). */
  readonly displayBase?: string;
  readonly limits?: Partial<LoadLimits>;
  /** How many `extends:` hops are allowed. */
  readonly maxExtendsDepth?: number;
  /**
   * Checks each file on its own before merging (the validate stage's schema check). A file with
   * errors is not merged, so the merge only ever sees well-shaped documents.
   */
  readonly checkFile?: (value: unknown, index: SourceIndex) => Diagnostic[];
  /**
   * Extended files (templates) already read and checked during this one command (validating a term
   * reads its course template once, not once per lesson). Keyed by absolute path; used only together
   * with `checkFile`, always the same one; the caller owns its lifetime.
   */
  readonly fileCache?: FileCache;
}

/** A file as read and checked once: see LoadOptions.fileCache. */
export type FileCache = Map<string, { readonly read: ReturnType<typeof readYamlFile>; readonly checked: readonly Diagnostic[] }>;

export const MAX_EXTENDS_DEPTH = 8;

/**
 * Loads a playbook: reads it and every file it `extends:` (relative paths, cycles refused, depth
 * bounded), checks each, and merges them. Never throws for bad input: everything is a diagnostic.
 * A top-level file that cannot be read yields a single FILE_UNREADABLE diagnostic and no `loaded`.
 */
export function loadPlaybook(file: string, options: LoadOptions = {}): LoadResult {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const maxDepth = options.maxExtendsDepth ?? MAX_EXTENDS_DEPTH;
  const display = (p: string): string => {
    if (!options.displayBase) return p;
    const r = relative(options.displayBase, p);
    return r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r) ? p : r;
  };
  const diagnostics: Diagnostic[] = [];
  const chain: YamlFile[] = [];
  const invalid: Set<number>[] = [];
  const absFiles: string[] = [];
  // Only extended files (templates) are kept in the cache: a lesson is read once anyway, and keeping
  // every lesson's syntax tree until the command ends would make memory grow with the term.
  const readChecked = (path: string, extended: boolean): { read: ReturnType<typeof readYamlFile>; checked: readonly Diagnostic[] } => {
    // The cache holds files as checked by `checkFile`: a load without it neither reads nor fills it.
    const cache = options.checkFile ? options.fileCache : undefined;
    const cached = cache?.get(path);
    if (cached) return cached;
    const read = readYamlFile(path, limits, display(path));
    const checked =
      read.yaml && options.checkFile && !read.diagnostics.some((d) => d.severity === 'error') ? options.checkFile(read.yaml.value, read.yaml.index) : [];
    const entry = { read, checked };
    if (extended) cache?.set(path, entry);
    return entry;
  };
  let current = resolve(options.displayBase ?? '.', file);
  let extendsAt: SourceLocation | undefined;
  for (;;) {
    const { read, checked } = readChecked(current, extendsAt !== undefined);
    if (read.unreadable && extendsAt) {
      diagnostics.push({
        code: DiagnosticCodes.EXTENDS_NOT_FOUND,
        severity: 'error',
        message: msg('diag.load.extendedUnreadable', { file: display(current), reason: read.unreadable }),
        location: extendsAt,
      });
      return { diagnostics };
    }
    diagnostics.push(...read.diagnostics);
    if (!read.yaml) return { diagnostics };
    if (read.yaml.empty) {
      // Said as it is: otherwise the first rule to miss something ("needs a timezone") is all one sees.
      diagnostics.push({
        code: DiagnosticCodes.SCHEMA,
        severity: 'error',
        message: msg(extendsAt ? 'diag.load.emptyExtendedFile' : 'diag.load.emptyFile', { file: display(current) }),
        location: { file: display(current), line: 1, col: 1 },
        ...(extendsAt ? { related: [{ location: extendsAt, message: msg('diag.load.extendedHere') }] } : {}),
      });
      return { diagnostics };
    }
    diagnostics.push(...checked);
    if (read.diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
    // Schema errors inside steps leave those steps out (the later stages skip them) so that the rest
    // of the file is still checked; an error anywhere else stops here (the merge needs the shape).
    const schemaErrors = checked.filter((d) => d.severity === 'error');
    const fileSteps = (read.yaml.value as Record<string, unknown>)['steps'];
    if (schemaErrors.some((d) => d.stepId === undefined) || (schemaErrors.length > 0 && !Array.isArray(fileSteps))) return { diagnostics };
    const badIds = new Set(schemaErrors.map((d) => d.stepId));
    invalid.push(new Set(badIds.size && Array.isArray(fileSteps) ? stepIds(fileSteps).flatMap((id, i) => (badIds.has(id) ? [i] : [])) : []));
    chain.push(read.yaml);
    absFiles.push(current);
    const value = read.yaml.value as Record<string, unknown>;
    const ext = value['extends'];
    if (typeof ext !== 'string') break;
    const at = read.yaml.index.locate(['extends']);
    // Relative paths to YAML files only: a playbook names its template beside it, and an error never
    // quotes a line of a file that is not a playbook.
    if (isAbsolute(ext) || /^[a-z][a-z0-9+.-]*:/i.test(ext) || !/\.ya?ml$/i.test(ext)) {
      diagnostics.push({
        code: DiagnosticCodes.EXTENDS_NOT_FOUND,
        severity: 'error',
        message: msg('diag.load.extendsPath', { value: JSON.stringify(ext) }),
        location: at,
      });
      return { diagnostics };
    }
    const next = resolve(dirname(current), ext);
    if (absFiles.includes(next)) {
      const cycle = [...absFiles.slice(absFiles.indexOf(next)), next].map(display).join(' → ');
      diagnostics.push({ code: DiagnosticCodes.EXTENDS_CYCLE, severity: 'error', message: msg('diag.load.extendsCycle', { cycle }), location: at });
      return { diagnostics };
    }
    if (chain.length > maxDepth) {
      diagnostics.push({ code: DiagnosticCodes.EXTENDS_DEPTH, severity: 'error', message: msg('diag.load.extendsDepth', { max: maxDepth }), location: at });
      return { diagnostics };
    }
    extendsAt = at;
    current = next;
  }
  const merged = mergeChain(chain, invalid);
  diagnostics.push(...merged.diagnostics);
  const loaded = {
    file: absFiles[0]!,
    files: absFiles,
    doc: merged.doc,
    source: merged.source,
    params: merged.params,
    ...(merged.invalidSteps.size ? { invalidSteps: merged.invalidSteps } : {}),
  };
  return { loaded, diagnostics };
}
