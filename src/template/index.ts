export * from './types.js';
export { renderPlaybook } from './render.js';
export { resolveVars } from './vars.js';
export { dateHelpers } from './helpers.js';
