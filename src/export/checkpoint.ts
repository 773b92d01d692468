/**
 * How an export remembers its progress across a crash. The engine backs it with the run's journal;
 * the one-off `runbook export` command with a small state file. `save` resolves once durable.
 */
export interface CheckpointPort<T> {
  load(): T | undefined;
  save(data: T): Promise<void>;
}

/** A port that remembers nothing (an export that starts over when rerun). */
export function noCheckpoint<T>(): CheckpointPort<T> {
  return { load: () => undefined, save: async () => undefined };
}
