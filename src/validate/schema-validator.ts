import type { ErrorObject } from 'ajv';
import { validate } from './playbook.validator.generated.js';

/**
 * The playbook's JSON Schema (the one source of truth for its shape), compiled to standalone code at
 * build time (scripts/gen-validator.mjs, ajv's standalone mode): no process pays for compiling it, and
 * a test fails when the generated file no longer matches the schema.
 */
export interface PlaybookValidator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export function playbookValidator(): PlaybookValidator {
  return validate as PlaybookValidator;
}

export type SchemaError = ErrorObject;
