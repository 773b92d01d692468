/**
 * The names runbook uses in a cluster's Redis. One Redis (or one database of it, `redis://…/DB`)
 * holds one cluster; the BullMQ queue's own keys live under `runbook:lessons:`.
 */
export const BULL_PREFIX = 'runbook';
export const QUEUE_NAME = 'lessons';

/** A run's journal: a stream, one entry per record (field `r`, the record's JSON). */
export const journalKey = (runId: string): string => `runbook:journal:${runId}`;

/** Where the lessons' display paths are kept by run id (`runbook status FILE --redis` looks them up). */
export const RUNS_KEY = 'runbook:runs';

/** Told the run id whenever a run's journal grew, so every node reads it again. */
export const JOURNAL_CHANNEL = 'runbook:journal-changed';

/** A lesson run's BullMQ job id (BullMQ refuses ids that look like integers; a run id may). */
export const jobIdOf = (runId: string): string => `run-${runId}`;
export const runIdOfJob = (jobId: string): string => jobId.replace(/^run-/, '');

/** The lock BullMQ keeps on an active job (its value: the holding worker's token). */
export const jobLockKey = (runId: string): string => `${BULL_PREFIX}:${QUEUE_NAME}:${jobIdOf(runId)}:lock`;

/** Where a node asks for a control on a lesson another node runs (see ControlRelay). */
export const CONTROL_CHANNEL = 'runbook:control';
/** Where the node that ran a control answers the node that asked. */
export const controlReplyChannel = (node: string): string => `runbook:control-reply:${node}`;
