export { runEngine, type ActionReport, type EngineOptions, type RunSummary } from './engine.js';
export { realClock, VirtualClock, type EngineClock } from './clock.js';
export type { EngineEvent } from './events.js';
export { unitsOf, actionIdsOf, type Unit } from './units.js';
