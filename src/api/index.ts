export * from './pipeline.js';
export * from './run.js';
export * from './status.js';
export * from './export.js';
export * from './connection.js';
export * from './lesson-id.js';
export * from './reconcile.js';
