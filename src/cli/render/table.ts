import { displayWidth, padEnd } from '../../i18n/index.js';

/**
 * A plain text table: a header, a rule of dashes, the rows; columns two spaces apart, padded to the
 * widest cell in terminal columns (a Chinese character takes two), trailing spaces trimmed.
 */
export function renderTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => padEnd(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
