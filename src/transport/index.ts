export type * from './api.js';
export * from './errors.js';
