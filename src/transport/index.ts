export type * from './api.js';
export * from './errors.js';
export * from './client.js';
export * from './credentials.js';
export * from './clock.js';
export * from './classify.js';
export * from './rate-limiter.js';
export * from './http-request.js';
