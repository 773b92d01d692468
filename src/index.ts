/**
 * runbook's library API: what the CLI is built on, and what tests, benchmarks and other programs call.
 * Each stage has its own index.ts; this file only re-exports them, bottom stage first.
 */
export * from './core/index.js';
export * from './polyv/index.js';
export * from './load/index.js';
export * from './validate/index.js';
export * from './template/index.js';
export * from './plan/index.js';
export * from './transport/index.js';
export * from './journal/index.js';
export * from './export/index.js';
export * from './engine/index.js';
export * from './sandbox/index.js';
export * from './api/index.js';
