/**
 * What `run --sandbox` tells the operator about its in-process sandbox, which lives and dies with
 * the process: a resumed rehearsal talks to a new, empty one. Said plainly rather than restored:
 * the journal records runbook's side of each call, not the platform's state, and a rehearsal that
 * must survive an interruption whole has a simple way — a standalone `runbook sandbox`.
 */
export const SANDBOX_ENDS_WITH_RUN =
  'note: the built-in sandbox ended with this process. A resumed --sandbox rehearsal starts a new, empty sandbox: what was sent before (messages, check-ins) is not in it, so its exports miss it. For a rehearsal that survives an interruption whole, run a separate `runbook sandbox` and point `run --endpoint` at it.\n';

export const SANDBOX_RESUMED =
  "runbook: resuming against a new, empty built-in sandbox: what the interrupted run sent (messages, check-ins) is not in it, so this run's history and check-in exports cover only what is sent from now on.\n";
