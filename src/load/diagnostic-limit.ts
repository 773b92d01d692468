import { DiagnosticCodes, type Diagnostic } from '../core/diagnostic.js';
import type { SourceLocation } from '../core/location.js';
import { msg } from '../i18n/index.js';

/** How many diagnostics one file reports; the rest are counted in one last diagnostic, as compilers do. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/** The first `max` diagnostics, and when there were more, one RB1010 that says how many were left out. */
export function limitDiagnostics(diagnostics: readonly Diagnostic[], at: SourceLocation, max = MAX_DIAGNOSTICS_PER_FILE, alsoOmitted = 0): Diagnostic[] {
  const omitted = Math.max(0, diagnostics.length - max) + alsoOmitted;
  if (omitted === 0) return [...diagnostics];
  return [
    ...diagnostics.slice(0, max),
    {
      code: DiagnosticCodes.TOO_MANY_PROBLEMS,
      severity: 'error',
      message: msg('diag.load.tooManyProblems', { omitted, max }),
      location: at,
    },
  ];
}
