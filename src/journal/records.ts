import type { Msg } from '../i18n/index.js';

/**
 * The journal's records, one JSON object per line. A *unit* is what one call does: a message action,
 * a check-in batch registration, or an export action. Nothing secret is ever written: no appSecret,
 * no sign, no timestamp of a signed request.
 */
export type JournalRecord =
  | {
      readonly t: 'run-start';
      readonly runId: string;
      readonly at: number;
      readonly pid: number;
      readonly host: string;
      readonly file: string;
      readonly start: number;
      /** The event's IANA zone, so `status` shows times as the lesson's people read them (absent in older journals). */
      readonly zone?: string;
      readonly actions: readonly JournalAction[];
    }
  | { readonly t: 'intent'; readonly unit: string; readonly at: number }
  // An intent taken back: the unit was committed ahead of its instant, the run stopped before the
  // instant, so nothing of its call was sent (calls are only handed to the network at their instant).
  // A resumed run treats the unit as never started instead of as ambiguous.
  | { readonly t: 'withdrawn'; readonly unit: string; readonly at: number }
  | {
      readonly t: 'outcome';
      readonly unit: string;
      readonly at: number;
      readonly result: UnitResult;
      readonly code?: number | string;
      /** Always English: machines, old runs and `grep` read it. */
      readonly message?: string;
      /** The same message as its catalog key and parameters, so `status` and serve show it in the reader's language. */
      readonly text?: Msg;
      readonly latenessMs?: number;
      readonly failedActions?: readonly string[];
      readonly actionResults?: Readonly<Record<string, UnitResult>>;
    }
  | { readonly t: 'checkpoint'; readonly unit: string; readonly at: number; readonly data: unknown }
  | { readonly t: 'run-stop'; readonly at: number; readonly reason: string }
  // `runbook serve`: a person's control (pause, resume, skip an action, send an action now), and an
  // applied edit of the lesson's files (what changed, from which content). `run` honours skip and
  // send-now too (src/api/reconcile.ts), since both commands share the lesson's journal.
  | ControlRecord
  | EditRecord;

export interface ControlRecord {
  readonly t: 'control';
  readonly at: number;
  readonly control: 'pause' | 'resume' | 'skip' | 'send-now';
  readonly action?: string;
  /** Who asked: the name given with the request, else where it came from (`local`, an address). */
  readonly who: string;
}

export interface EditRecord {
  readonly t: 'edit';
  readonly at: number;
  readonly files: readonly { readonly file: string; readonly sha256: string }[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly moved: readonly string[];
  readonly changed: readonly string[];
  /**
   * Parts of the edit that could not be applied (a check-in already registered), with why: `reason`
   * in English, `text` the same as key + params (for the reader's language; older journals lack it).
   */
  readonly refused: readonly { readonly id: string; readonly reason: string; readonly text?: Msg }[];
}

export type UnitResult = 'ok' | 'failed' | 'ambiguous' | 'skipped';

/** What `runbook status` needs to know of the plan without re-planning it. */
export interface JournalAction {
  readonly id: string;
  readonly unit: string;
  readonly kind: string;
  readonly channelId: string;
  readonly at: number;
}
