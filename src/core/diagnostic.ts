import { formatMessage, msg, type Language, type Msg } from '../i18n/index.js';
import type { SourceLocation } from './location.js';

/**
 * What a person reads: a catalog message (`msg(key, params)`), formatted in the reader's language
 * only when shown. A plain string is accepted while the code moves to the catalogs (issue 18).
 */
export type Text = Msg | string;

/**
 * An authoring mistake found while loading, validating, templating or planning a playbook.
 * Diagnostics are collected, never thrown, so that every problem is reported at once.
 * `code` is stable (tests and CI filters depend on it); `message` is prose, in the reader's language.
 */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: 'error' | 'warning';
  readonly message: Text;
  readonly location: SourceLocation;
  /** The step the problem belongs to, when there is one. */
  readonly stepId?: string;
  /** Other places involved, e.g. the second check-in of a colliding pair. */
  readonly related?: readonly RelatedLocation[];
}

export interface RelatedLocation {
  readonly location: SourceLocation;
  readonly message: Text;
  readonly stepId?: string;
}

/**
 * The closed set of diagnostic codes. Add new codes here (and to the README's table); never rename one.
 */
export const DiagnosticCodes = {
  // load
  FILE_UNREADABLE: 'RB1001',
  YAML_SYNTAX: 'RB1002',
  YAML_ALIAS_LIMIT: 'RB1003',
  FILE_TOO_LARGE: 'RB1004',
  EXTENDS_CYCLE: 'RB1005',
  EXTENDS_DEPTH: 'RB1006',
  EXTENDS_NOT_FOUND: 'RB1007',
  NESTING_TOO_DEEP: 'RB1008',
  TOO_MANY_STEPS: 'RB1009',
  TOO_MANY_PROBLEMS: 'RB1010',
  // schema
  SCHEMA: 'RB2001',
  CREDENTIAL_IN_PLAYBOOK: 'RB2002',
  FORBIDDEN_KEY: 'RB2003',
  // template
  TEMPLATE_SYNTAX: 'RB3001',
  UNKNOWN_VARIABLE: 'RB3002',
  MISSING_PARAM: 'RB3003',
  PARAM_TYPE: 'RB3004',
  UNKNOWN_PARAM: 'RB3005',
  TEMPLATE_HELPER: 'RB3006',
  RESERVED_NAME: 'RB3007',
  TEMPLATE_BOUND: 'RB3008',
  // plan / rules
  INVALID_TIMEZONE: 'RB4001',
  INVALID_TIME: 'RB4002',
  DST_GAP: 'RB4003',
  DST_AMBIGUOUS: 'RB4004',
  EVENT_TIMES: 'RB4005',
  UNKNOWN_CHANNEL: 'RB4006',
  DUPLICATE_STEP_ID: 'RB4007',
  CHECKIN_OVERLAP: 'RB4008',
  CHECKIN_GAP: 'RB4009',
  LIMIT_TIME_RANGE: 'RB4010',
  MESSAGE_EMPTY: 'RB4011',
  MESSAGE_TOO_LONG: 'RB4012',
  INVALID_DURATION: 'RB4013',
  CHECKIN_IN_PAST: 'RB4014',
  RATE_BURST: 'RB4015',
  INVALID_VALUE: 'RB4016',
} as const;

export type DiagnosticCode = (typeof DiagnosticCodes)[keyof typeof DiagnosticCodes];

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/**
 * The stable JSON form of a diagnostic (`validate --format json`, `plan --json`'s warnings, serve's
 * API): `{code, severity, message, file, line, col, stepId?, related?}`. Fields are never renamed; the
 * messages are in `lang`, the codes are the same in every language.
 */
export function diagnosticJson(d: Diagnostic, lang: Language): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: formatMessage(d.message, lang),
    file: d.location.file,
    line: d.location.line,
    col: d.location.col,
    ...(d.stepId ? { stepId: d.stepId } : {}),
    ...(d.related
      ? {
          related: d.related.map((r) => ({
            file: r.location.file,
            line: r.location.line,
            col: r.location.col,
            message: formatMessage(r.message, lang),
            ...(r.stepId ? { stepId: r.stepId } : {}),
          })),
        }
      : {}),
  };
}

/**
 * Names (channel aliases, params) as a diagnostic lists them: the first `max` joined with commas
 * (they are identifiers, written as they are in every language), then how many more there are.
 */
export function nameList(names: readonly string[], max = 10): string | Msg {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? msg('diag.common.namesAndMore', { names: shown, more: names.length - max }) : shown;
}
