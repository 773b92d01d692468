export type * from './types.js';
export * from './compile.js';
export { findSpacingViolations, type SpacedCheckin, type SpacingViolation } from './checkin-spacing.js';
export { parseTimeSpec, type TimeFrame } from './time-spec.js';
export { parseZonedTime, formatInZone, isValidZone } from './zoned-time.js';
