// Finds text meant for people written as a literal in source code instead of in the catalogs
// (src/i18n/catalogs/). Run: `node scripts/check-literal-strings.mjs [path…]` (default: src).
// test/unit/no-literal-strings.test.ts runs it over src/ and fails on any finding.
//
// "Text meant for people" is recognised by its look: a string or template literal with Chinese
// characters, or with two words of lowercase letters side by side ("cannot read", "by {who}").
// Identifiers, keys, paths, URLs, header names and codes have no such pair, so they pass.
// A literal that is prose but not shown to anyone (a Lua script, CSS) is exempted where it stands:
// `// i18n-exempt: why` on its line or the line before, or `/* i18n-exempt-file: why */` anywhere
// in the file. Exempt whole folders here only when nothing in them speaks to a runbook user:
// the sandbox plays the platform, whose replies are the platform's words, not runbook's.
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const EXEMPT_DIRS = ['src/i18n/', 'src/sandbox/'];
const PROSE = /[\u3400-\u9fff]|\b[a-z][a-z']+ [a-z][a-z']+\b/i;

function* tsFiles(p) {
  if (statSync(p).isDirectory()) for (const n of readdirSync(p)) yield* tsFiles(join(p, n));
  else if (p.endsWith('.ts') && !p.endsWith('.generated.ts') && !p.endsWith('.d.ts')) yield p;
}

/** The literal's text with `${…}` holes as `{}`. */
function literalText(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => `{}${s.literal.text}`).join('');
  return undefined;
}

function ignoredPlace(node) {
  const p = node.parent;
  if (!p) return false;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isImportTypeNode?.(p)) return true;
  if (ts.isLiteralTypeNode(p)) return true;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) && p.name === node) return true;
  if (ts.isElementAccessExpression(p) && p.argumentExpression === node) return true;
  return false;
}

export function findLiteralStrings(paths) {
  const findings = [];
  for (const root of paths)
    for (const file of tsFiles(root)) {
      const rel = relative(process.cwd(), file).split('\\').join('/');
      if (EXEMPT_DIRS.some((d) => rel.startsWith(d))) continue;
      const text = readFileSync(file, 'utf8');
      if (/\/\*\s*i18n-exempt-file:/.test(text)) continue;
      const lines = text.split('\n');
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
      const visit = (node) => {
        const lit = literalText(node);
        if (lit !== undefined && PROSE.test(lit) && !ignoredPlace(node)) {
          const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          const here = lines[line] ?? '';
          const before = lines[line - 1] ?? '';
          if (!/i18n-exempt:/.test(here) && !/i18n-exempt:/.test(before))
            findings.push({ file: rel, line: line + 1, col: character + 1, text: lit.length > 80 ? `${lit.slice(0, 77)}...` : lit });
        }
        if (!ts.isTemplateExpression(node) || lit === undefined) ts.forEachChild(node, visit);
        else for (const s of node.templateSpans) visit(s.expression);
      };
      visit(sf);
    }
  return findings;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const findings = findLiteralStrings(process.argv.slice(2).length ? process.argv.slice(2) : ['src']);
  for (const f of findings) console.log(`${f.file}:${f.line}:${f.col}: ${JSON.stringify(f.text)}`);
  const byFile = new Map();
  for (const f of findings) byFile.set(f.file, (byFile.get(f.file) ?? 0) + 1);
  if (findings.length) console.error(`\n${findings.length} literal string(s) shown to people, in ${byFile.size} file(s)`);
  process.exitCode = findings.length ? 1 : 0;
}
