export * from './sign.js';
export * from './types.js';
export * from './requests.js';
