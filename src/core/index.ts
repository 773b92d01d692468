export * from './location.js';
export * from './diagnostic.js';
export * from './errors.js';
export * from './duration.js';
export * from './sleep.js';
