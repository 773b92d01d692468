/**
 * runbook's library API: what the CLI is built on, and what tests and other programs call.
 * Each stage has its own index; this file only re-exports them.
 */
export * from './core/index.js';
