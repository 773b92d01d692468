export * from './records.js';
export { Journal, JournalCorruptError, JournalGoneError, journalPath, readJournal, type JournalOptions, type JournalRepair } from './journal.js';
export { replay, type UnitState } from './replay.js';
export type { JournalWriter } from './writer.js';
export { acquireLock, LockHeldError, type LockHolder } from './lock.js';
