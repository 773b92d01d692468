import { isAbsolute, relative, sep } from 'node:path';
import { IANAZone } from 'luxon';
import type { Diagnostic } from '../../core/diagnostic.js';
import { formatDuration } from '../../core/duration.js';
import { formatLocation } from '../../core/location.js';
import type { Plan, PlannedAction } from '../../plan/types.js';
import { PlatformLimits } from '../../polyv/limits.js';
import { redactedCall, redactedCallLine, type RedactedCall } from '../../polyv/redacted-call.js';
import type { ApiRequest } from '../../polyv/requests.js';
import { diagnosticJson, renderDiagnosticsText } from './diagnostics.js';

/**
 * A path as plans show it, by the rule diagnostics' `source` locations follow (src/load): relative to
 * the cwd when inside it, else absolute — never `../../tmp/…`.
 */
export function shownPath(cwd: string, p: string): string {
  const r = relative(cwd, p);
  if (r === '') return '.';
  return r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r) ? p : r;
}

/** The call as it will be made, with the per-attempt values shown as placeholders (src/polyv/redacted-call.ts). */
export function describeCall(req: ApiRequest): RedactedCall {
  return redactedCall(req);
}

/**
 * `T-5m`, `T+10m` against the start, `E-1m`, `E+15m` against the end: as the author wrote the time
 * (`relativeTo`), or, without one, against the end once the lesson is over.
 */
export function relativeLabel(at: number, plan: Plan, relativeTo?: 'start' | 'end'): string {
  const toEnd = relativeTo === 'end' || (relativeTo === undefined && at > plan.event.end);
  const d = at - (toEnd ? plan.event.end : plan.event.start);
  return `${toEnd ? 'E' : 'T'}${d < 0 ? '-' : '+'}${formatDuration(Math.abs(d))}`;
}

/**
 * ISO 8601 without milliseconds when they are zero: UTC (`…Z`) or in `zone` with its offset. Done by
 * hand because a plan of 10,000 actions formats 40,000 times (luxon's DateTime is ~10× slower here).
 */
function iso(ms: number, zone?: string): string {
  const offsetMin = zone ? offsetAt(zone, ms) : 0;
  const text = new Date(ms + offsetMin * 60_000).toISOString().replace('.000Z', 'Z');
  if (!zone) return text;
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${text.slice(0, -1)}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A zone's offset, looked up once per minute of time (zones change offset on whole minutes). */
const offsets = new Map<string, number>();
function offsetAt(zone: string, ms: number): number {
  const key = `${zone}|${Math.floor(ms / 60_000)}`;
  let o = offsets.get(key);
  if (o === undefined) offsets.set(key, (o = zoneOf(zone).offset(ms)));
  return o;
}

const zones = new Map<string, IANAZone>();
function zoneOf(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) zones.set(name, (z = IANAZone.create(name)));
  return z;
}

/**
 * The documented JSON form of a plan (`runbook plan --json`). Field names are stable; new fields may be
 * added. Times: `at` is ISO 8601 UTC, `atLocal` in the event's zone, `relative` against start/end.
 */
export function planJson(plan: Plan, warnings: readonly Diagnostic[], cwd: string): Record<string, unknown> {
  const rel = (p: string): string => shownPath(cwd, p);
  return {
    version: 1,
    runId: plan.runId,
    event: {
      name: plan.event.name,
      zone: plan.event.zone,
      start: iso(plan.event.start),
      end: iso(plan.event.end),
      startLocal: iso(plan.event.start, plan.event.zone),
      endLocal: iso(plan.event.end, plan.event.zone),
      files: plan.event.files.map(rel),
    },
    channels: plan.channels,
    actions: plan.actions.map((a) => actionJson(a, plan, rel)),
    checkinBatches: plan.checkinBatches.map((b) => ({
      id: b.id,
      at: iso(b.at),
      atLocal: iso(b.at, plan.event.zone),
      relative: relativeLabel(b.at, plan),
      actionIds: b.actionIds,
      call: describeCall(b.request),
    })),
    warnings: warnings.map((d) => diagnosticJson(d, 'en')),
  };
}

/**
 * Writes `JSON.stringify(planJson(…), null, 2)` piece by piece — the same bytes — so that a plan of
 * 10,000 actions never exists as one object tree and one string at once.
 */
export function writePlanJson(write: (text: string) => void, plan: Plan, warnings: readonly Diagnostic[], cwd: string): void {
  const rel = (p: string): string => shownPath(cwd, p);
  const { actions: _actions, ...head } = planJson({ ...plan, actions: [] }, warnings, cwd);
  const lines = JSON.stringify(head, null, 2).split('\n');
  // Insert "actions" where it belongs: after "channels", before "checkinBatches".
  const at = lines.findIndex((l) => l.startsWith('  "checkinBatches"'));
  write(`${lines.slice(0, at).join('\n')}\n  "actions": [`);
  plan.actions.forEach((a, i) => {
    const body = JSON.stringify(actionJson(a, plan, rel), null, 2).replace(/\n/g, '\n    ');
    write(`${i === 0 ? '\n    ' : ',\n    '}${body}`);
  });
  write(`${plan.actions.length ? '\n  ' : ''}],\n${lines.slice(at).join('\n')}\n`);
}

function actionJson(a: PlannedAction, plan: Plan, rel: (p: string) => string): Record<string, unknown> {
  const base = {
    id: a.id,
    stepId: a.stepId,
    kind: a.kind,
    channel: a.channelAlias,
    channelId: a.channelId,
    at: iso(a.at),
    atLocal: iso(a.at, plan.event.zone),
    relative: a.kind === 'checkin' ? relativeLabel(a.at, plan) : relativeLabel(a.at, plan, a.relativeTo),
    source: formatLocation(a.source),
    policy: a.policy,
  };
  switch (a.kind) {
    case 'message':
      return {
        ...base,
        ...(a.text !== undefined ? { text: a.text } : {}),
        ...(a.imageUrl ? { imageUrl: a.imageUrl } : {}),
        watchType: a.watchType,
        joinHistoryList: a.joinHistoryList,
        encodedLength: a.encodedLength,
        limit: PlatformLimits.maxEncodedContent,
        call: describeCall(a.request),
      };
    case 'checkin':
      return {
        ...base,
        startsAt: iso(a.startsAt),
        startsAtLocal: iso(a.startsAt, plan.event.zone),
        startsRelative: relativeLabel(a.startsAt, plan, a.relativeTo),
        limitTime: a.limitTime,
        ...(a.message ? { message: a.message } : {}),
        batchId: a.batchId,
      };
    case 'chatExport':
      return { ...base, outDir: rel(a.outDir), call: describeCall(a.request) };
    case 'historyExport':
      return { ...base, from: iso(a.from), to: iso(a.to), format: a.format, pageSize: a.pageSize, outDir: rel(a.outDir), call: describeCall(a.request) };
    case 'reportExport':
      return { ...base, sessionId: a.sessionId, deadline: formatDuration(a.deadlineMs), outDir: rel(a.outDir), call: describeCall(a.request) };
  }
}

/**
 * The readable timeline: per channel, each action at the time it happens on the platform (a message
 * when it is sent, a check-in when it starts), then the check-in registrations. With `verbose`, each
 * action's exact call too (the same as `plan --json` shows).
 */
export function renderPlanText(plan: Plan, warnings: readonly Diagnostic[], opts: { color: boolean; cwd: string; verbose?: boolean }): string {
  const bold = (s: string): string => (opts.color ? `\u001b[1m${s}\u001b[0m` : s);
  const dim = (s: string): string => (opts.color ? `\u001b[2m${s}\u001b[0m` : s);
  const z = plan.event.zone;
  // With the UTC offset always: across a fall-back change the same wall time happens twice, and
  // only the offset tells which one a line means (01:45 +11:00, then 01:35 +10:30).
  const local = (ms: number): string => {
    const t = iso(ms, z);
    return `${t.slice(0, 19).replace('T', ' ')} ${t.slice(-6)}`;
  };
  const rel = (p: string): string => shownPath(opts.cwd, p);
  const out: string[] = [];
  out.push(bold(plan.event.name));
  out.push(`  ${local(plan.event.start)} → ${local(plan.event.end)} ${z}  (UTC ${iso(plan.event.start)} → ${iso(plan.event.end)})`);
  out.push(`  run ${plan.runId}, ${plan.actions.length} action(s) on ${Object.keys(plan.channels).length} channel(s)`);
  const byChannel = new Map<string, PlannedAction[]>();
  for (const a of plan.actions) {
    const list = byChannel.get(a.channelAlias);
    if (list) list.push(a);
    else byChannel.set(a.channelAlias, [a]);
  }
  const shown = (a: PlannedAction): number => (a.kind === 'checkin' ? a.startsAt : a.at);
  for (const [alias, actions] of byChannel) {
    out.push('');
    out.push(bold(`channel ${alias} (${plan.channels[alias]})`));
    for (const a of [...actions].sort((x, y) => shown(x) - shown(y) || x.seq - y.seq)) {
      const when = shown(a);
      out.push(`  ${relativeLabel(when, plan, a.relativeTo).padEnd(9)} ${local(when)}  ${a.kind.padEnd(13)} ${a.id}`);
      out.push(dim(`            ${detail(a, plan, rel)}`));
      const call = callOf(a);
      if (opts.verbose && call) out.push(dim(`            ${redactedCallLine(call)}`));
    }
  }
  if (plan.checkinBatches.length) {
    out.push('');
    out.push(bold('check-in registrations'));
    for (const b of plan.checkinBatches) {
      out.push(`  ${relativeLabel(b.at, plan).padEnd(9)} ${local(b.at)}  ${b.id}: registers ${b.actionIds.length} check-in(s)`);
      if (opts.verbose) out.push(dim(`            ${redactedCallLine(b.request)}`));
    }
  }
  if (warnings.length) {
    out.push('');
    // The same layout as `validate` prints (FILE:LINE:COL: warning CODE message), source line and all.
    out.push(renderDiagnosticsText(warnings, { color: opts.color, cwd: opts.cwd }).replace(/\n$/, ''));
  }
  return `${out.join('\n')}\n`;
}

function callOf(a: PlannedAction): ApiRequest | undefined {
  return a.kind === 'checkin' ? undefined : a.request;
}

const AUDIENCE = { 1: 'everyone', 2: 'viewers', 3: 'teacher, guests, assistants, admins' } as const;

function detail(a: PlannedAction, plan: Plan, rel: (p: string) => string): string {
  switch (a.kind) {
    case 'message': {
      const text =
        a.text !== undefined
          ? `${JSON.stringify(a.text.length > 60 ? `${a.text.slice(0, 57)}...` : a.text)}, ${a.encodedLength}/${PlatformLimits.maxEncodedContent} encoded`
          : 'no text';
      return `${text}${a.imageUrl ? `, image ${a.imageUrl}` : ''}; to ${AUDIENCE[a.watchType]}${a.joinHistoryList ? '' : ', not in the chat history'}`;
    }
    case 'checkin':
      return `starts at the time shown, open ${a.limitTime === 0 ? 'with no limit' : `for ${formatDuration(a.limitTime * 1000)}`}${a.message ? `, prompt ${JSON.stringify(a.message)}` : ''}; registered at ${relativeLabel(a.at, plan)} with ${a.batchId}`;
    case 'chatExport':
      return `create the chat export task, poll until done, download into ${rel(a.outDir)}`;
    case 'historyExport':
      return `chat history ${iso(a.from)} → ${iso(a.to)} as ${a.format}, pages of ${a.pageSize}, into ${rel(a.outDir)}`;
    case 'reportExport':
      return `session ${a.sessionId} report, retried while not ready for up to ${formatDuration(a.deadlineMs)}, into ${rel(a.outDir)}`;
  }
}
