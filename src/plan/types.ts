import type { SourceLocation } from '../core/location.js';
import type { ApiRequest } from '../polyv/requests.js';
import type { CheckinItem } from '../polyv/types.js';

/**
 * The compiled, immutable plan: everything the engine needs, and nothing it has to compute at run
 * time that could fail mid-lesson. All templating, time arithmetic and rule checks happened before.
 * Times are ms since the Unix epoch (UTC); `zone` is kept for display only.
 */
export interface Plan {
  readonly version: 1;
  /** Stable identity of a run: hash of the resolved playbook content and its start instant. */
  readonly runId: string;
  readonly event: PlanEvent;
  /** Alias → channel id, after templating. */
  readonly channels: Readonly<Record<string, string>>;
  /**
   * Every action, sorted by `at`; actions due at the same instant keep the author's order (the merged
   * steps — a template's, then the lesson's, a replaced step in its place — and a step's channels as
   * listed), which is also the order they are sent in.
   */
  readonly actions: readonly PlannedAction[];
  /** Check-in registrations, each one batch-checkin call of at most 1000 items. */
  readonly checkinBatches: readonly CheckinBatch[];
}

export interface PlanEvent {
  readonly name: string;
  /** IANA zone, e.g. Asia/Shanghai. */
  readonly zone: string;
  readonly start: number;
  readonly end: number;
  /** The playbook file the plan was made from, and every file it extends. */
  readonly files: readonly string[];
}

/** What the engine does with an action whose time passed before it could be sent, or whose outcome is unknown. */
export interface ActionPolicy {
  /** Missed: skip it, send it anyway, or send only if still within `graceSeconds` of its time. */
  readonly missed: 'skip' | 'send' | 'grace';
  readonly graceSeconds: number;
  /** Ambiguous (intent journaled, no outcome): report only (default), or resend. */
  readonly ambiguous: 'report' | 'resend';
}

interface ActionBase {
  /** Unique in the plan: `stepId` when the step targets one channel, `stepId@alias` otherwise. */
  readonly id: string;
  readonly stepId: string;
  readonly channelAlias: string;
  readonly channelId: string;
  /** When the engine performs the action (ms epoch UTC). Never earlier. */
  readonly at: number;
  readonly source: SourceLocation;
  readonly policy: ActionPolicy;
  /**
   * What the step's time is written against — the lesson's start (`+10m`) or end (`end-1m`); for an
   * absolute time, the end when it falls after the end. The plan shows it as `T±…` or `E±…`.
   */
  readonly relativeTo: 'start' | 'end';
  /** Position in the author's order (see Plan.actions); ties at one instant are broken by it. */
  readonly seq: number;
}

export interface MessageAction extends ActionBase {
  readonly kind: 'message';
  readonly text?: string;
  readonly imageUrl?: string;
  readonly watchType: 1 | 2 | 3;
  readonly joinHistoryList: 0 | 1;
  /** Length of the URL-safe base64 content (platform limit 1500). */
  readonly encodedLength: number;
  readonly request: ApiRequest;
}

/**
 * A check-in starts at `startsAt` on the platform; runbook registers it earlier, with its batch: `at`
 * is the batch's registration time (see CheckinBatch).
 */
export interface CheckinAction extends ActionBase {
  readonly kind: 'checkin';
  readonly startsAt: number;
  readonly limitTime: number;
  readonly message?: string;
  readonly batchId: string;
  readonly item: CheckinItem;
}

export interface ChatExportAction extends ActionBase {
  readonly kind: 'chatExport';
  /** Output folder (absolute), file names are chosen by runbook. */
  readonly outDir: string;
  readonly request: ApiRequest;
}

export interface HistoryExportAction extends ActionBase {
  readonly kind: 'historyExport';
  readonly from: number;
  readonly to: number;
  readonly format: 'jsonl' | 'csv';
  readonly pageSize: number;
  readonly outDir: string;
  /** The first page's call; later pages add the cursor of the one before. */
  readonly request: ApiRequest;
}

export interface ReportExportAction extends ActionBase {
  readonly kind: 'reportExport';
  readonly sessionId: string;
  /** Give up retrying "not ready" this long after `at` (ms). */
  readonly deadlineMs: number;
  readonly outDir: string;
  readonly request: ApiRequest;
}

export type PlannedAction = MessageAction | CheckinAction | ChatExportAction | HistoryExportAction | ReportExportAction;
export type ActionKind = PlannedAction['kind'];

export interface CheckinBatch {
  readonly id: string;
  /** When the batch is registered: before the earliest check-in in it, by the lead time. */
  readonly at: number;
  /** Action ids, in the order of the request's JSON array (a 1099 error's indices refer to this order). */
  readonly actionIds: readonly string[];
  readonly request: ApiRequest;
}
