import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types; it exports one function
import { findLiteralStrings } from '../../scripts/check-literal-strings.mjs';

/**
 * Everything runbook shows a person comes from the catalogs (src/i18n/catalogs/), in the reader's
 * language. A prose literal in src/ is a message that would show in one language only.
 */
describe('no literal strings shown to people', () => {
  it('src/ has no prose outside the catalogs (exemptions marked i18n-exempt, with a reason)', () => {
    const findings = (findLiteralStrings(['src']) as { file: string; line: number; col: number; text: string }[]).map(
      (f) => `${f.file}:${f.line}:${f.col}: ${f.text}`,
    );
    expect(findings).toEqual([]);
  });

  it('the check finds prose, so it can fail', () => {
    const findings = findLiteralStrings(['test/fixtures/literal-strings']) as { text: string }[];
    expect(findings.map((f) => f.text)).toEqual(['cannot read the journal', '签到', 'skipped by {}']);
  });
});
