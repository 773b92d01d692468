export { runEngine, type EngineOptions } from './engine.js';
export type { ActionReport, RunSummary } from './run-state.js';
export { realClock, platformClock, VirtualClock, type EngineClock } from './clock.js';
export type { EngineEvent } from './events.js';
export { unitsOf, actionIdsOf, type Unit } from './units.js';
