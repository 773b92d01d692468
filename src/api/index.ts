export * from './pipeline.js';
export * from './run.js';
export * from './status.js';
export * from './export.js';
export * from './connection.js';
