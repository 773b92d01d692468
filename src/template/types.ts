import type { Diagnostic } from '../core/diagnostic.js';
import type { LoadedPlaybook } from '../load/types.js';
import type { VarValue } from '../load/playbook.generated.js';

/** Variables from outside the playbook, in increasing precedence: a --vars file, then --var k=v flags. */
export interface ExternalVars {
  /** Path of a YAML/JSON file of variables (--vars FILE). */
  readonly varsFile?: string;
  /** `k=v` pairs from --var, as typed by the user (coerced to the declared param type). */
  readonly cliVars?: readonly string[];
}

/** A playbook whose string fields have all been rendered with handlebars. Same shape, same SourceIndex. */
export interface RenderedPlaybook extends LoadedPlaybook {
  /** The effective variables after precedence and type coercion. */
  readonly vars: Readonly<Record<string, VarValue>>;
}

export interface RenderResult {
  /** Absent when the variables could not be resolved; otherwise every string that could be rendered is. */
  readonly rendered?: RenderedPlaybook;
  /** Indices of the steps with a string that could not be rendered (the later rules skip them). */
  readonly failedSteps?: ReadonlySet<number>;
  readonly diagnostics: readonly Diagnostic[];
}
