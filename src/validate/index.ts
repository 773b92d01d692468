export { schemaDiagnostics } from './schema-diagnostics.js';
export { playbookValidator } from './schema-validator.js';
