export * from './types.js';
export type * from './playbook.generated.js';
export { loadPlaybook, MAX_EXTENDS_DEPTH, type LoadOptions } from './load-playbook.js';
export { DEFAULT_LIMITS, isCredentialKey, parseYamlText, type LoadLimits } from './yaml-file.js';
export { limitDiagnostics, MAX_DIAGNOSTICS_PER_FILE } from './diagnostic-limit.js';
export { stepIds } from './step-id.js';
