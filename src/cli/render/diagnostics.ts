import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../../core/diagnostic.js';
import { formatLocation } from '../../core/location.js';
import { DEFAULT_LANGUAGE, displayWidth, formatMessage, t, type Language } from '../../i18n/index.js';

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const CYAN = '\u001b[36m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** A diagnostic's message in `lang`, with ` [step id]` after it when it belongs to a step. */
function messageWithStep(d: Diagnostic, lang: Language): string {
  const message = formatMessage(d.message, lang);
  return d.stepId ? `${message} ${t(lang, 'diag.render.step', { id: d.stepId })}` : message;
}

/**
 * Spaces (tabs kept as tabs) as wide on a terminal as `prefix`: a caret under column 9 of
 * `text: "今天是 {{x}}"` must count each Chinese character as two columns.
 */
function caretPadding(prefix: string): string {
  let out = '';
  for (const ch of prefix) out += ch === '\t' ? '\t' : ' '.repeat(displayWidth(ch));
  return out;
}

/**
 * `FILE:LINE:COL: error CODE message [step id]`, then the source line with a caret under the column,
 * and the related locations (e.g. the other check-in of a colliding pair) — the way compilers print
 * errors. The words follow `lang` (`错误`, `[步骤 …]`, `注：`); locations, codes and step ids do not.
 */
export function renderDiagnosticsText(diags: readonly Diagnostic[], opts: { color: boolean; cwd: string; lang?: Language }): string {
  const lang = opts.lang ?? DEFAULT_LANGUAGE;
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
    const sev = d.severity === 'error' ? paint(RED, t(lang, 'diag.render.error')) : paint(YELLOW, t(lang, 'diag.render.warning'));
    lines.push(`${paint(CYAN, formatLocation(d.location))}: ${sev} ${d.code} ${messageWithStep(d, lang)}`);
    const src = sourceLine(d.location.file, d.location.line);
    if (src !== undefined) {
      const n = String(d.location.line);
      lines.push(`${paint(DIM, `${n} |`)} ${src}`);
      const pad = caretPadding(src.slice(0, Math.max(0, d.location.col - 1)));
      lines.push(`${' '.repeat(n.length)} ${paint(DIM, '|')} ${pad}${paint(d.severity === 'error' ? RED : YELLOW, '^')}`);
    }
    for (const r of d.related ?? [])
      lines.push(`  ${paint(CYAN, formatLocation(r.location))}: ${t(lang, 'diag.render.note', { message: formatMessage(r.message, lang) })}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/**
 * GitHub Actions workflow commands: annotations on the pull request's diff. The command (`::error`),
 * its properties and the title (the code) are the same in every language; the message follows `lang`.
 */
export function renderDiagnosticsGithub(diags: readonly Diagnostic[], lang: Language = DEFAULT_LANGUAGE): string {
  const esc = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string): string => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return diags
    .map(
      (d) =>
        `::${d.severity === 'error' ? 'error' : 'warning'} file=${prop(d.location.file)},line=${d.location.line},col=${d.location.col},title=${prop(d.code)}::${esc(messageWithStep(d, lang))}\n`,
    )
    .join('');
}

/** The JSON form of one diagnostic (validate --format json wraps them in `{ ok, files, crossFile }`). */
export { diagnosticJson } from '../../core/diagnostic.js';
