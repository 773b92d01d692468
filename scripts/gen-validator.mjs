// Compiles the playbook schema into standalone validation code at build time (ajv's standalone
// mode), so no process pays for compiling the schema. `npm run gen:types` runs it too; a test fails
// when src/validate/playbook.validator.generated.ts is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

export function generateValidator() {
  const schema = JSON.parse(readFileSync(new URL('../schemas/playbook.schema.json', import.meta.url), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: false, allowUnionTypes: true, code: { source: true, esm: true } });
  const validate = ajv.compile(schema);
  const code = (standaloneCode.default ?? standaloneCode)(ajv, validate);
  // The code loads two tiny ajv runtime helpers with require(); give the ES module a require of its own.
  const header = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n";
  // The schema itself too, for what reads it at run time (the known keys behind "did you mean"),
  // so that src/ never imports a file from outside it.
  const schemaExport = `export const playbookSchema = ${JSON.stringify(schema)};\n`;
  return `// @ts-nocheck\n/* Generated from schemas/playbook.schema.json by \`npm run gen:types\`. Do not edit. */\n${header}${code.replace(/^"use strict";/, '')}\n${schemaExport}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../src/validate/playbook.validator.generated.ts', import.meta.url), generateValidator());
}
