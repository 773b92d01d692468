import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import schema from '../../schemas/playbook.schema.json' with { type: 'json' };

/**
 * The playbook's JSON Schema (the one source of truth for its shape), compiled once per process and
 * only when first needed, so `--help` never pays for it. The bundle inlines the schema file.
 */
let compiled: ValidateFunction | undefined;

export function playbookValidator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: false, allowUnionTypes: true });
  const fn = ajv.compile(schema);
  compiled = fn;
  return fn;
}

export type SchemaError = ErrorObject;
