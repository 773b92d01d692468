// Derives the TypeScript types of a playbook from its JSON Schema (the one source of truth).
// `npm run gen:types` rewrites src/load/playbook.generated.ts; a test fails when it is stale.
import { compile } from 'json-schema-to-typescript';
import { readFileSync, writeFileSync } from 'node:fs';

export async function generate() {
  const schema = JSON.parse(readFileSync(new URL('../schemas/playbook.schema.json', import.meta.url), 'utf8'));
  return compile(schema, 'PlaybookFile', {
    bannerComment: '/* Generated from schemas/playbook.schema.json by `npm run gen:types`. Do not edit. */',
    additionalProperties: false,
    unreachableDefinitions: false,
    style: { singleQuote: true, printWidth: 120 },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../src/load/playbook.generated.ts', import.meta.url), await generate());
}
