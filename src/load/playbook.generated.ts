/* Generated from schemas/playbook.schema.json by `npm run gen:types`. Do not edit. */

export type VarValue = string | number | boolean;
/**
 * A duration: 90s, 5m, 1h30m, 1h, or a number of seconds.
 */
export type Duration = string | number;
/**
 * A Polyv channel id: 1–20 digits (leading zeros are ignored; quote long ids), or a {{template}} that renders to one.
 */
export type ChannelId = string | number;
/**
 * One channel alias, or several.
 */
export type ChannelRefs = Identifier | [Identifier, ...Identifier[]];
export type Identifier = string;
/**
 * Folder for exported files, relative to the playbook.
 */
export type OutDir = string;
/**
 * all: everyone in the channel (watchType 1); viewers: viewers only (2); special: teacher, guests, assistants, admins (3).
 */
export type Audience = 'all' | 'viewers' | 'special';
/**
 * Whether the message joins the chat history (joinHistoryList).
 */
export type History = boolean;
export type Step = MessageStep | CheckinStep | ChatExportStep | HistoryExportStep | ReportExportStep;
/**
 * A custom chat message sent at its time (send-custom-message). Text, image, or both.
 */
export type MessageStep = StepCommon & {
  kind: 'message';
  /**
   * Chat text (handlebars). At most 1500 characters after URL-safe base64 of its UTF-8.
   */
  text?: string;
  /**
   * Image URL.
   */
  image?: string;
  audience?: Audience;
  history?: History;
};
/**
 * When: relative to the lesson (-5m, +10m, start+10m, end+15m, end-2m) or absolute ISO 8601 local to the event's zone (2026-12-01T19:30) or with an offset.
 */
export type Time = string;
/**
 * A check-in (签到), registered ahead through batch-checkin. Per channel, check-ins may not overlap and must start at least 5 s after the previous one ends.
 */
export type CheckinStep = StepCommon & {
  kind: 'checkin';
  /**
   * A duration: 90s, 5m, 1h30m, 1h, or a number of seconds.
   */
  duration?: string | number;
  /**
   * The check-in prompt shown to viewers.
   */
  prompt?: string;
};
/**
 * After the lesson: create the chat export task, poll until done, download the file.
 */
export type ChatExportStep = StepCommon & {
  kind: 'chatExport';
  outDir?: OutDir;
};
/**
 * After the lesson: the full chat history of the channel (get-speak-list, cursor pages) streamed to disk.
 */
export type HistoryExportStep = StepCommon & {
  kind: 'historyExport';
  /**
   * When: relative to the lesson (-5m, +10m, start+10m, end+15m, end-2m) or absolute ISO 8601 local to the event's zone (2026-12-01T19:30) or with an offset.
   */
  from?: string;
  /**
   * When: relative to the lesson (-5m, +10m, start+10m, end+15m, end-2m) or absolute ISO 8601 local to the event's zone (2026-12-01T19:30) or with an offset.
   */
  to?: string;
  format?: 'jsonl' | 'csv';
  pageSize?: number;
  outDir?: OutDir;
};
/**
 * After the lesson: the session statistics report (xlsx), retried while 'not ready' until the deadline.
 */
export type ReportExportStep = StepCommon & {
  kind: 'reportExport';
  /**
   * Polyv session id (default: event.sessionId).
   */
  sessionId?: string;
  /**
   * A duration: 90s, 5m, 1h30m, 1h, or a number of seconds.
   */
  deadline?: string | number;
  outDir?: OutDir;
};

/**
 * One live lesson on Polyv (or a course template that lessons extend with `extends:`). String values may use handlebars: {{var}}.
 */
export interface RunbookPlaybook {
  /**
   * Path of a course template (relative to this file) whose params, event, channels, vars, defaults and steps this file builds on.
   */
  extends?: string;
  /**
   * Typed parameters a template declares; lessons give their values in `vars`, --vars FILE or --var k=v.
   */
  params?: {
    [k: string]: Param;
  };
  event?: Event;
  /**
   * Channel aliases used by steps → Polyv channel ids.
   */
  channels?: {
    [k: string]: ChannelId;
  };
  /**
   * Template variables. Precedence: template param defaults < vars of the extended files < this file's vars < --vars FILE < --var k=v.
   */
  vars?: {
    [k: string]: VarValue;
  };
  /**
   * Values every step inherits unless it sets its own.
   */
  defaults?: {
    channels?: ChannelRefs;
    policy?: Policy;
    outDir?: OutDir;
    audience?: Audience;
    history?: History;
    /**
     * A duration: 90s, 5m, 1h30m, 1h, or a number of seconds.
     */
    checkinLead?: string | number;
  };
  steps?: Step[];
}
export interface Param {
  type: 'string' | 'integer' | 'number' | 'boolean';
  default?: VarValue;
  required?: boolean;
  description?: string;
}
export interface Event {
  name?: string;
  /**
   * IANA time zone, e.g. Asia/Shanghai.
   */
  timezone?: string;
  /**
   * ISO 8601 local time in `timezone` (or with an explicit offset).
   */
  start?: string;
  /**
   * ISO 8601 end; give either end or duration.
   */
  end?: string;
  duration?: Duration;
  /**
   * The Polyv session (场次) id, for the session report.
   */
  sessionId?: string;
}
/**
 * What to do with an action whose time passed before runbook could perform it (missed), or whose outcome is unknown after a crash or timeout (ambiguous).
 */
export interface Policy {
  missed?: 'skip' | 'send' | 'grace';
  graceSeconds?: number;
  ambiguous?: 'report' | 'resend';
}
export interface StepCommon {
  /**
   * Stable id used by the plan, journal, errors and logs. Derived from kind and position when absent.
   */
  id?: string;
  at?: Time;
  channels?: ChannelRefs;
  policy?: Policy;
  /**
   * Free text for reviewers; ignored by runbook.
   */
  note?: string;
}
