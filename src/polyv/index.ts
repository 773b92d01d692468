export * from './sign.js';
export * from './types.js';
export * from './requests.js';
export * from './envelope.js';
export * from './checkin-rule.js';
export * from './limits.js';
export * from './channel-id.js';
export * from './redacted-call.js';
