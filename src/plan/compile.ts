import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { DiagnosticCodes, nameList, type Diagnostic } from '../core/diagnostic.js';
import { parseDuration } from '../core/duration.js';
import type { SourceLocation } from '../core/location.js';
import { duration, msg, time, type Msg } from '../i18n/index.js';
import { stepIds } from '../load/step-id.js';
import type { Policy, Step } from '../load/playbook.generated.js';
import type { DocPath } from '../load/types.js';
import { canonicalChannelId, MAX_CHANNEL_ID_DIGITS } from '../polyv/channel-id.js';
import { ClientPacing, PlatformLimits } from '../polyv/limits.js';
import {
  batchCheckinRequest,
  createChatExportTaskRequest,
  encodeMessageContent,
  exportSessionStatsRequest,
  getSpeakListRequest,
  sendCustomMessageRequest,
} from '../polyv/requests.js';
import type { RenderedPlaybook } from '../template/types.js';
import { findSpacingViolations, spacingDiagnostic } from './checkin-spacing.js';
import { resolveEventFrame } from './event-frame.js';
import { TimeBounds } from './time-bounds.js';
import { parseTimeSpec, type TimeFrame } from './time-spec.js';
import type { ActionPolicy, CheckinAction, CheckinBatch, Plan, PlannedAction } from './types.js';

/** How far past its end a history window reaches (see historyExport below). */
const HISTORY_END_GRACE_MS = 2000;

export const DEFAULT_CHECKIN_LEAD_MS = 10 * 60_000;
/** Actions one plan may hold (steps × their channels): 10,000 steps on every one of 100,000 channels would be 10⁹. */
export const MAX_ACTIONS = 100_000;
export const DEFAULT_REPORT_DEADLINE_MS = 2 * 3_600_000;
/** The client's pacing (src/polyv/limits.ts), which the burst warning predicts. */
export const CLIENT_RATE_LIMIT = ClientPacing;
export const DEFAULT_POLICY: ActionPolicy = Object.freeze({ missed: 'grace', graceSeconds: 60, ambiguous: 'report' });

export interface CompileOptions {
  /** --start: moves the event start (relative step times follow). */
  readonly startOverride?: number;
  /** The clock, for rules about the past (check-ins must start in the future). Absent: not checked. */
  readonly now?: number;
  /** Steps (by index) left out: their templates did not render, and that is reported already. */
  readonly skipSteps?: ReadonlySet<number>;
}

export interface CompileResult {
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
}

const WATCH_TYPE = { all: 1, viewers: 2, special: 3 } as const;

/**
 * Compiles a rendered playbook into the immutable plan: every action with its absolute time, channel
 * id and the exact call it will make; check-ins grouped into batch registrations. Pure: no I/O, the
 * clock comes in `options.now`. Every rule violation is collected, never thrown.
 */
export function compilePlan(pb: RenderedPlaybook, options: CompileOptions = {}): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const frame = resolveEventFrame(pb, options.startOverride, diagnostics);
  const doc = pb.doc;
  const { channels, refused } = resolveChannels(pb, diagnostics);
  const steps = (doc.steps ?? []) as Step[];
  const ids = stepIds(steps);
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) {
      diagnostics.push({
        code: DiagnosticCodes.DUPLICATE_STEP_ID,
        severity: 'error',
        message: msg('diag.plan.duplicateStepId', { id }),
        location: pb.source.locate(['steps', i, 'id']),
        stepId: id,
        related: [{ location: pb.source.locate(['steps', first, 'id']), message: msg('diag.common.firstUsedHere'), stepId: id }],
      });
    } else seen.set(id, i);
  });
  if (!frame) return { diagnostics };

  const defaults = doc.defaults ?? {};
  const leadMs = defaults.checkinLead === undefined ? DEFAULT_CHECKIN_LEAD_MS : parseDuration(defaults.checkinLead);
  if (leadMs === undefined)
    diagnostics.push({
      code: DiagnosticCodes.INVALID_DURATION,
      severity: 'error',
      message: msg('diag.plan.checkinLeadInvalid', { value: JSON.stringify(defaults.checkinLead) }),
      location: pb.source.locate(['defaults', 'checkinLead']),
    });
  else if (leadMs > TimeBounds.maxDurationMs)
    diagnostics.push({
      code: DiagnosticCodes.INVALID_DURATION,
      severity: 'error',
      message: msg('diag.plan.checkinLeadTooLong', { value: JSON.stringify(defaults.checkinLead), max: duration(TimeBounds.maxDurationMs) }),
      location: pb.source.locate(['defaults', 'checkinLead']),
    });
  const baseDir = dirname(pb.file);
  const actions: PlannedAction[] = [];
  const checkins: (CheckinAction & { end: number; start: number })[] = [];
  const allAliases = [...Object.keys(channels), ...refused];
  // Named in every unknown-channel diagnostic: built once, and short whatever the number of channels.
  const knownList = allAliases.length === 0 ? msg('diag.common.none') : nameList(allAliases);
  // The author's order: steps as merged, then a step's channels as listed (see Plan.actions).
  let seq = 0;

  let tooMany = false;
  steps.forEach((step, i) => {
    if (options.skipSteps?.has(i) || tooMany) return;
    const stepId = ids[i]!;
    const p = (...rest: (string | number)[]): DocPath => ['steps', i, ...rest];
    const loc = (...rest: (string | number)[]): SourceLocation => pb.source.locate(p(...rest));
    const err = (code: Diagnostic['code'], message: Msg, at: SourceLocation): void => {
      diagnostics.push({ code, severity: 'error', message, location: at, stepId });
    };
    let relativeTo: 'start' | 'end' = 'start';
    const timeOf = (text: string | undefined, field: string): number | undefined => {
      if (text === undefined) return undefined;
      const t = parseTimeSpec(text, frame);
      if (t.ok && field === 'at') relativeTo = t.anchor ?? (t.ms > frame.end ? 'end' : 'start');
      if (t.ok) return t.ms;
      err(
        t.reason === 'gap' ? DiagnosticCodes.DST_GAP : t.reason === 'ambiguous' ? DiagnosticCodes.DST_AMBIGUOUS : DiagnosticCodes.INVALID_TIME,
        t.text,
        loc(field),
      );
      return undefined;
    };
    const at = timeOf(step.at, 'at');
    const targets = targetChannels(step, defaults.channels, allAliases);
    const refs = typeof step.channels === 'string' ? [step.channels] : (step.channels ?? []);
    for (const alias of targets) {
      if (!(alias in channels) && !refused.has(alias)) {
        const k = refs.indexOf(alias);
        err(
          DiagnosticCodes.UNKNOWN_CHANNEL,
          msg('diag.plan.unknownChannel', { alias, known: knownList }),
          step.channels === undefined
            ? pb.source.locate(['defaults', 'channels'])
            : loc(...(typeof step.channels === 'string' || k < 0 ? ['channels'] : ['channels', k])),
        );
      }
    }
    if (targets.length === 0) err(DiagnosticCodes.UNKNOWN_CHANNEL, msg('diag.plan.noChannel'), loc());
    if (at === undefined) return;
    const policy: ActionPolicy = { ...DEFAULT_POLICY, ...(defaults.policy as Policy | undefined), ...(step.policy as Policy | undefined) } as ActionPolicy;
    const outDir = (dir: string | undefined): string => resolve(baseDir, dir ?? defaults.outDir ?? 'exports');
    const known = targets.filter((a) => a in channels);
    const multi = targets.length > 1;
    if (seq + known.length > MAX_ACTIONS) {
      tooMany = true;
      err(DiagnosticCodes.TOO_MANY_STEPS, msg('diag.plan.tooManyActions', { max: MAX_ACTIONS }), loc());
      return;
    }
    for (const alias of known) {
      const channelId = channels[alias]!;
      const base = { id: multi ? `${stepId}@${alias}` : stepId, stepId, channelAlias: alias, channelId, at, source: loc(), policy, relativeTo, seq: seq++ };
      switch (step.kind) {
        case 'message': {
          const text = step.text === undefined || step.text === '' ? undefined : step.text;
          const image = step.image === undefined || step.image === '' ? undefined : step.image;
          if (text === undefined && image === undefined) {
            if (alias === known[0]) err(DiagnosticCodes.MESSAGE_EMPTY, msg('diag.plan.messageEmpty'), loc());
            continue;
          }
          if (image !== undefined && !/^https?:\/\/[^\s/]+\S*$/i.test(image)) {
            if (alias === known[0])
              err(
                DiagnosticCodes.INVALID_VALUE,
                msg('diag.plan.imageUrl', { url: JSON.stringify(image.length > 60 ? `${image.slice(0, 57)}...` : image) }),
                loc('image'),
              );
            continue;
          }
          const encodedLength = text === undefined ? 0 : encodeMessageContent(text).length;
          const maxEncoded = PlatformLimits.maxEncodedContent;
          if (encodedLength > maxEncoded) {
            if (alias === known[0])
              err(
                DiagnosticCodes.MESSAGE_TOO_LONG,
                msg('diag.plan.textTooLong', {
                  length: encodedLength,
                  max: maxEncoded,
                  bytes: Math.floor((maxEncoded * 3) / 4),
                  chars: Math.floor((maxEncoded * 3) / 4 / 3),
                }),
                loc('text'),
              );
            continue;
          }
          const watchType = WATCH_TYPE[step.audience ?? defaults.audience ?? 'all'];
          const joinHistoryList = (step.history ?? defaults.history ?? true) ? 1 : 0;
          // One literal of a fixed shape (absent text or image is `undefined`): conditional spreads
          // here were a third of the time of planning a term.
          actions.push({
            id: base.id,
            stepId,
            channelAlias: alias,
            channelId,
            at,
            source: base.source,
            policy,
            relativeTo,
            seq: base.seq,
            kind: 'message',
            text,
            imageUrl: image,
            watchType,
            joinHistoryList,
            encodedLength,
            request: sendCustomMessageRequest({ channelId, content: text, imgUrl: image, joinHistoryList, watchType }),
          });
          break;
        }
        case 'checkin': {
          const ms = step.duration === undefined ? 0 : parseDuration(step.duration);
          if (ms === undefined || ms % 1000 !== 0) {
            if (alias === known[0])
              err(DiagnosticCodes.INVALID_DURATION, msg('diag.plan.checkinWholeSeconds', { value: JSON.stringify(step.duration) }), loc('duration'));
            continue;
          }
          const limitTime = ms / 1000;
          if (limitTime < PlatformLimits.minLimitTime || limitTime > PlatformLimits.maxLimitTime) {
            if (alias === known[0])
              err(
                DiagnosticCodes.LIMIT_TIME_RANGE,
                msg('diag.plan.checkinDurationRange', {
                  seconds: limitTime,
                  duration: duration(ms),
                  min: PlatformLimits.minLimitTime,
                  max: PlatformLimits.maxLimitTime,
                }),
                loc('duration'),
              );
            continue;
          }
          if (options.now !== undefined && at <= options.now && alias === known[0]) {
            // A warning, and the check-in stays in the plan: a run resumed mid-lesson must plan exactly
            // as the first run did (same batches), and the engine reports a started check-in as missed.
            diagnostics.push({
              code: DiagnosticCodes.CHECKIN_IN_PAST,
              severity: 'warning',
              message: msg('diag.plan.checkinInPast', { ago: duration(options.now - at), at: time(at, frame.zone) }),
              location: loc('at'),
              stepId,
            });
          }
          const message = step.prompt === undefined || step.prompt === '' ? undefined : step.prompt;
          const registerAt = Math.max(at - (leadMs ?? DEFAULT_CHECKIN_LEAD_MS), options.now ?? Number.NEGATIVE_INFINITY);
          checkins.push({
            ...base,
            at: registerAt,
            kind: 'checkin',
            startsAt: at,
            limitTime,
            ...(message !== undefined ? { message } : {}),
            batchId: '',
            item: { channelId, limitTime, delayTime: at, ...(message !== undefined ? { message } : {}) },
            start: at,
            end: at + limitTime * 1000,
          });
          break;
        }
        case 'chatExport':
          actions.push({ ...base, kind: 'chatExport', outDir: outDir(step.outDir), request: createChatExportTaskRequest({ channelId }) });
          break;
        case 'historyExport': {
          const from = timeOf(step.from, 'from') ?? frame.start;
          const end = timeOf(step.to, 'to') ?? frame.end;
          if (end <= from) err(DiagnosticCodes.INVALID_TIME, msg('diag.plan.historyWindow'), loc('to'));
          // The end is inclusive: a message due at it reaches the platform (and is stamped) a moment later.
          const to = end + HISTORY_END_GRACE_MS;
          const pageSize = step.pageSize ?? 1000;
          // The account's userId comes from the credentials at send time, as the appId does.
          actions.push({
            ...base,
            kind: 'historyExport',
            from,
            to,
            format: step.format ?? 'jsonl',
            pageSize,
            outDir: outDir(step.outDir),
            request: getSpeakListRequest({ userId: '', startTime: from, endTime: to, size: pageSize }),
          });
          break;
        }
        case 'reportExport': {
          const sessionId = step.sessionId ?? doc.event?.sessionId;
          if (!sessionId) {
            if (alias === known[0]) err(DiagnosticCodes.INVALID_VALUE, msg('diag.plan.reportNeedsSession'), loc());
            continue;
          }
          const deadlineMs = step.deadline === undefined ? DEFAULT_REPORT_DEADLINE_MS : parseDuration(step.deadline);
          if (deadlineMs === undefined) {
            err(DiagnosticCodes.INVALID_DURATION, msg('diag.plan.deadlineInvalid', { value: JSON.stringify(step.deadline) }), loc('deadline'));
            continue;
          }
          if (deadlineMs > TimeBounds.maxDurationMs) {
            if (alias === known[0])
              err(
                DiagnosticCodes.INVALID_DURATION,
                msg('diag.plan.deadlineTooLong', { value: JSON.stringify(step.deadline), max: duration(TimeBounds.maxDurationMs) }),
                loc('deadline'),
              );
            continue;
          }
          actions.push({
            ...base,
            kind: 'reportExport',
            sessionId,
            deadlineMs,
            outDir: outDir(step.outDir),
            request: exportSessionStatsRequest({ channelId, sessionId }),
          });
          break;
        }
      }
    }
  });

  const lesson = pb.source.locate([]).file;
  diagnostics.push(...findSpacingViolations(checkins.map((c) => ({ ...c, lesson }))).map(spacingDiagnostic));
  const batches = batchCheckins(checkins);
  const batchAt = new Map(batches.list.map((b) => [b.id, b.at]));
  const finalCheckins = checkins.map(({ start: _s, end: _e, ...c }) => {
    const batchId = batches.byAction.get(c.id)!;
    return { ...c, at: batchAt.get(batchId)!, batchId };
  });
  const all = [...actions, ...finalCheckins].sort((a, b) => a.at - b.at || a.seq - b.seq);
  diagnostics.push(...burstWarnings(all, batches.list, pb, frame.zone));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };

  const plan: Plan = {
    version: 1,
    runId: runIdOf(pb, frame),
    event: { name: doc.event?.name ?? pb.file, zone: frame.zone, start: frame.start, end: frame.end, files: pb.files },
    channels,
    actions: all,
    checkinBatches: batches.list,
  };
  return { plan: deepFreeze(plan), diagnostics };
}

/** Alias → canonical channel id; `refused` holds the aliases whose id is not one (already reported). */
function resolveChannels(pb: RenderedPlaybook, diagnostics: Diagnostic[]): { channels: Record<string, string>; refused: Set<string> } {
  const out: Record<string, string> = {};
  const refused = new Set<string>();
  for (const [alias, id] of Object.entries(pb.doc.channels ?? {})) {
    const canonical = canonicalChannelId(id);
    if (canonical === undefined) {
      const lostDigits = typeof id === 'number' && !Number.isSafeInteger(id);
      diagnostics.push({
        code: DiagnosticCodes.UNKNOWN_CHANNEL,
        severity: 'error',
        message: msg(lostDigits ? 'diag.plan.channelIdLostDigits' : 'diag.plan.channelId', {
          alias,
          digits: MAX_CHANNEL_ID_DIGITS,
          value: JSON.stringify(String(id)),
        }),
        location: pb.source.locate(['channels', alias]),
      });
      refused.add(alias);
      continue;
    }
    out[alias] = canonical;
  }
  return { channels: out, refused };
}

/** A step's channels: its own, else `defaults.channels`, else every channel of the playbook. */
function targetChannels(step: Step, defaults: string | string[] | undefined, all: string[]): string[] {
  const refs = step.channels ?? defaults;
  if (refs === undefined) return all;
  return typeof refs === 'string' ? [refs] : [...refs];
}

/**
 * Check-ins sorted by registration time, in batch calls of at most 1000. A batch is registered at
 * the registration time of its earliest check-in, so no check-in is registered late.
 */
function batchCheckins(checkins: readonly CheckinAction[]): { list: CheckinBatch[]; byAction: Map<string, string> } {
  const sorted = [...checkins].sort((a, b) => a.at - b.at || a.startsAt - b.startsAt || (a.id < b.id ? -1 : 1));
  const list: CheckinBatch[] = [];
  const byAction = new Map<string, string>();
  const size = PlatformLimits.maxCheckinsPerBatch;
  for (let i = 0; i < sorted.length; i += size) {
    const chunk = sorted.slice(i, i + size);
    const id = `checkin-batch-${list.length + 1}`;
    for (const c of chunk) byAction.set(c.id, id);
    list.push({ id, at: chunk[0]!.at, actionIds: chunk.map((c) => c.id), request: batchCheckinRequest(chunk.map((c) => c.item)) });
  }
  return { list, byAction };
}

/** Warns where more calls fall within one 10 s window than the client's pacing allows: they will be delayed. */
function burstWarnings(actions: readonly PlannedAction[], batches: readonly CheckinBatch[], pb: RenderedPlaybook, zone: string): Diagnostic[] {
  const byId = new Map(actions.map((a) => [a.id, a]));
  const times = [
    ...actions.filter((a) => a.kind !== 'checkin').map((a) => ({ at: a.at, a })),
    ...batches.map((b) => ({ at: b.at, a: byId.get(b.actionIds[0]!)! })),
  ].sort((x, y) => x.at - y.at);
  let lo = 0;
  for (let hi = 0; hi < times.length; hi += 1) {
    while (times[hi]!.at - times[lo]!.at >= CLIENT_RATE_LIMIT.windowMs) lo += 1;
    if (hi - lo + 1 > CLIENT_RATE_LIMIT.requests) {
      const first = times[lo]!.a;
      return [
        {
          code: DiagnosticCodes.RATE_BURST,
          severity: 'warning',
          message: msg('diag.plan.rateBurst', {
            max: CLIENT_RATE_LIMIT.requests,
            seconds: CLIENT_RATE_LIMIT.windowMs / 1000,
            step: first.stepId,
            at: time(times[lo]!.at, zone, 'dateTimeSeconds'),
          }),
          location: first.source ?? pb.source.locate([]),
          stepId: first.stepId,
        },
      ];
    }
  }
  return [];
}

function runIdOf(pb: RenderedPlaybook, frame: TimeFrame): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(pb.doc));
  h.update(`|${frame.start}`);
  return h.digest('hex').slice(0, 16);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
