export * from './records.js';
export { Journal, journalPath, readJournal, type JournalOptions } from './journal.js';
export { replay, type UnitState } from './replay.js';
export { acquireLock, LockHeldError, type LockHolder } from './lock.js';
