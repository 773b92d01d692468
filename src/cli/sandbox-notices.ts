import { msg, type Msg } from '../i18n/index.js';

/**
 * What `run --sandbox` tells the operator about its in-process sandbox, which lives and dies with
 * the process: a resumed rehearsal talks to a new, empty one. Said plainly rather than restored:
 * the journal records runbook's side of each call, not the platform's state, and a rehearsal that
 * must survive an interruption whole has a simple way — a standalone `runbook sandbox`.
 */
export const SANDBOX_ENDS_WITH_RUN: Msg = msg('run.sandbox.endsWithRun');

/** Said (after `runbook: `) when a `--sandbox` run resumes. */
export const SANDBOX_RESUMED: Msg = msg('run.sandbox.resumed');
