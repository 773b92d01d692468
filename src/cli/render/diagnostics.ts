import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../../core/diagnostic.js';
import { formatLocation } from '../../core/location.js';

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const CYAN = '\u001b[36m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/**
 * `FILE:LINE:COL: CODE message`, then the source line with a caret under the column, and the related
 * locations (e.g. the other check-in of a colliding pair) — the way compilers print errors.
 */
export function renderDiagnosticsText(diags: readonly Diagnostic[], opts: { color: boolean; cwd: string }): string {
  const paint = (c: string, s: string): string => (opts.color ? `${c}${s}${RESET}` : s);
  const lines: string[] = [];
  const cache = new Map<string, string[] | undefined>();
  const sourceLine = (file: string, line: number): string | undefined => {
    // Only playbooks and variable files (YAML) are quoted: never a line of any other file.
    if (!/\.(ya?ml|json)$/i.test(file)) return undefined;
    if (!cache.has(file)) {
      try {
        cache.set(file, readFileSync(isAbsolute(file) ? file : resolve(opts.cwd, file), 'utf8').split(/\r?\n/));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file)?.[line - 1];
  };
  for (const d of diags) {
    const sev = d.severity === 'error' ? paint(RED, 'error') : paint(YELLOW, 'warning');
    const step = d.stepId ? ` [step ${d.stepId}]` : '';
    lines.push(`${paint(CYAN, formatLocation(d.location))}: ${sev} ${d.code} ${d.message}${step}`);
    const src = sourceLine(d.location.file, d.location.line);
    if (src !== undefined) {
      const n = String(d.location.line);
      lines.push(`${paint(DIM, `${n} |`)} ${src}`);
      lines.push(
        `${' '.repeat(n.length)} ${paint(DIM, '|')} ${' '.repeat(Math.max(0, d.location.col - 1))}${paint(d.severity === 'error' ? RED : YELLOW, '^')}`,
      );
    }
    for (const r of d.related ?? []) lines.push(`  ${paint(CYAN, formatLocation(r.location))}: note: ${r.message}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** GitHub Actions workflow commands: annotations on the pull request's diff. */
export function renderDiagnosticsGithub(diags: readonly Diagnostic[]): string {
  const esc = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string): string => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return diags
    .map(
      (d) =>
        `::${d.severity === 'error' ? 'error' : 'warning'} file=${prop(d.location.file)},line=${d.location.line},col=${d.location.col},title=${prop(d.code)}::${esc(d.message + (d.stepId ? ` [step ${d.stepId}]` : ''))}\n`,
    )
    .join('');
}

/** The JSON form of one diagnostic (validate --format json wraps them in `{ ok, files, crossFile }`). */
export { diagnosticJson } from '../../core/diagnostic.js';
