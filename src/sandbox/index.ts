export { startSandbox, type Sandbox } from './server.js';
export { DEMO_CREDENTIALS, type SandboxCredentials } from './credentials.js';
export { parseFaultSpec, formatFaultSpec, NO_FAULTS, type FaultSpec } from './faults.js';
export type { SandboxOptions, RateLimitOptions } from './options.js';
export { PLATFORM_RATE_LIMIT } from './options.js';
export type { SandboxLogEntry } from './log.js';
export type { StoredMessage, StoredCheckin } from './platform.js';
