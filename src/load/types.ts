import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceLocation } from '../core/location.js';
import type { Param, RunbookPlaybook } from './playbook.generated.js';

/** A path into a document: object keys and array indices, as in ajv's instancePath. */
export type DocPath = readonly (string | number)[];

/**
 * Where each node of a (possibly merged) document came from. `locate` returns the location of the
 * node at `path`, or of its nearest ancestor that has one, so every diagnostic can point at a line even
 * when a value was produced by merging `extends:` files.
 */
export interface SourceIndex {
  locate(path: DocPath): SourceLocation;
  /** Location of the *key* of a mapping entry (for "unknown key" style errors); falls back to locate(). */
  locateKey(path: DocPath): SourceLocation;
}

/** A declared template parameter and where it was declared. */
export interface DeclaredParam extends Param {
  readonly name: string;
  readonly declaredAt: SourceLocation;
}

/**
 * A playbook after loading: YAML parsed with positions, each file checked against the schema,
 * `extends:` chains merged. Not yet templated.
 */
export interface LoadedPlaybook {
  /** Absolute path of the file that was asked for. */
  readonly file: string;
  /** It and every file it extends, the asked-for file first. */
  readonly files: readonly string[];
  /** The merged document (without `extends`). */
  readonly doc: RunbookPlaybook;
  readonly source: SourceIndex;
  readonly params: Readonly<Record<string, DeclaredParam>>;
  /** Steps (merged indices) that failed the schema, already reported: later stages skip them. */
  readonly invalidSteps?: ReadonlySet<number>;
}

export interface LoadResult {
  /** Absent when the file could not be read or parsed at all. */
  readonly loaded?: LoadedPlaybook;
  readonly diagnostics: readonly Diagnostic[];
}
