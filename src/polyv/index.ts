export * from './sign.js';
export * from './types.js';
export * from './requests.js';
export * from "./envelope.js";
export * from './checkin-rule.js';
