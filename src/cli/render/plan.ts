import { relative } from 'node:path';
import { IANAZone } from 'luxon';
import type { Diagnostic } from '../../core/diagnostic.js';
import { formatDuration } from '../../core/duration.js';
import { formatLocation } from '../../core/location.js';
import type { Plan, PlannedAction } from '../../plan/types.js';
import type { ApiRequest } from '../../polyv/requests.js';
import { diagnosticJson } from './diagnostics.js';

/** The call as it will be made, with the per-attempt values shown as placeholders: no credential, no sign. */
export function describeCall(req: ApiRequest): Record<string, unknown> {
  const signed = { ...req.signed, appId: '<appId>', timestamp: '<at send time>', sign: '<redacted>' };
  return {
    method: req.method,
    path: req.path,
    ...(req.signedIn === 'query' ? { query: signed } : { form: { ...signed, ...req.form } }),
    ...(req.signedIn === 'query' && req.form && Object.keys(req.form).length ? { form: req.form } : {}),
    ...(req.json !== undefined ? { json: req.json } : {}),
  };
}

/** "T-5m", "T+10m", "E+15m": relative to the start, or to the end once the lesson is over. */
export function relativeLabel(at: number, plan: Plan): string {
  if (at > plan.event.end) return `E+${formatDuration(at - plan.event.end)}`;
  const d = at - plan.event.start;
  return d < 0 ? `T-${formatDuration(-d)}` : `T+${formatDuration(d)}`;
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
  const rel = (p: string): string => relative(cwd, p) || '.';
  return {
    version: 1,
    runId: plan.runId,
    event: { name: plan.event.name, zone: plan.event.zone, start: iso(plan.event.start), end: iso(plan.event.end), startLocal: iso(plan.event.start, plan.event.zone), endLocal: iso(plan.event.end, plan.event.zone), files: plan.event.files.map(rel) },
    channels: plan.channels,
    actions: plan.actions.map((a) => actionJson(a, plan, rel)),
    checkinBatches: plan.checkinBatches.map((b) => ({ id: b.id, at: iso(b.at), atLocal: iso(b.at, plan.event.zone), relative: relativeLabel(b.at, plan), actionIds: b.actionIds, call: describeCall(b.request) })),
    warnings: warnings.map(diagnosticJson),
  };
}

/**
 * Writes `JSON.stringify(planJson(…), null, 2)` piece by piece — the same bytes — so that a plan of
 * 10,000 actions never exists as one object tree and one string at once.
 */
export function writePlanJson(write: (text: string) => void, plan: Plan, warnings: readonly Diagnostic[], cwd: string): void {
  const rel = (p: string): string => relative(cwd, p) || '.';
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
  const base = { id: a.id, stepId: a.stepId, kind: a.kind, channel: a.channelAlias, channelId: a.channelId, at: iso(a.at), atLocal: iso(a.at, plan.event.zone), relative: relativeLabel(a.at, plan), source: formatLocation(a.source), policy: a.policy };
  switch (a.kind) {
    case 'message':
      return { ...base, ...(a.text !== undefined ? { text: a.text } : {}), ...(a.imageUrl ? { imageUrl: a.imageUrl } : {}), watchType: a.watchType, joinHistoryList: a.joinHistoryList, encodedLength: a.encodedLength, limit: 1500, call: describeCall(a.request) };
    case 'checkin':
      return { ...base, startsAt: iso(a.startsAt), startsAtLocal: iso(a.startsAt, plan.event.zone), limitTime: a.limitTime, ...(a.message ? { message: a.message } : {}), batchId: a.batchId };
    case 'chatExport':
      return { ...base, outDir: rel(a.outDir), call: describeCall(a.request) };
    case 'historyExport':
      return { ...base, from: iso(a.from), to: iso(a.to), format: a.format, pageSize: a.pageSize, outDir: rel(a.outDir) };
    case 'reportExport':
      return { ...base, sessionId: a.sessionId, deadline: formatDuration(a.deadlineMs), outDir: rel(a.outDir), call: describeCall(a.request) };
  }
}

/** The readable timeline: per channel, each action with its local time, relative time and call. */
export function renderPlanText(plan: Plan, warnings: readonly Diagnostic[], opts: { color: boolean; cwd: string }): string {
  const bold = (s: string): string => (opts.color ? `\u001b[1m${s}\u001b[0m` : s);
  const dim = (s: string): string => (opts.color ? `\u001b[2m${s}\u001b[0m` : s);
  const z = plan.event.zone;
  const local = (ms: number): string => iso(ms, z).slice(0, 19).replace('T', ' ');
  const out: string[] = [];
  out.push(bold(plan.event.name));
  out.push(`  ${local(plan.event.start)} → ${local(plan.event.end)} ${z}  (UTC ${iso(plan.event.start)} → ${iso(plan.event.end)})`);
  out.push(`  run ${plan.runId}, ${plan.actions.length} action(s) on ${Object.keys(plan.channels).length} channel(s)`);
  const byChannel = new Map<string, PlannedAction[]>();
  for (const a of plan.actions) byChannel.set(a.channelAlias, [...(byChannel.get(a.channelAlias) ?? []), a]);
  for (const [alias, actions] of byChannel) {
    out.push('');
    out.push(bold(`channel ${alias} (${plan.channels[alias]})`));
    const shown = (a: PlannedAction): number => (a.kind === 'checkin' ? a.startsAt : a.at);
    for (const a of [...actions].sort((x, y) => shown(x) - shown(y))) {
      const when = a.kind === 'checkin' ? a.startsAt : a.at;
      out.push(`  ${relativeLabel(when, plan).padEnd(9)} ${local(when)}  ${a.kind.padEnd(13)} ${a.id}`);
      out.push(dim(`            ${detail(a, plan)}`));
    }
  }
  if (plan.checkinBatches.length) {
    out.push('');
    out.push(bold('check-in registrations'));
    for (const b of plan.checkinBatches) {
      const c = describeCall(b.request);
      out.push(`  ${relativeLabel(b.at, plan).padEnd(9)} ${local(b.at)}  ${b.id}: ${b.actionIds.length} check-in(s)  ${String(c['method'])} ${String(c['path'])}?appId=<appId>&timestamp=<at send time>&sign=<redacted>`);
    }
  }
  if (warnings.length) {
    out.push('');
    for (const w of warnings) out.push(`warning ${w.code} ${formatLocation(w.location)}: ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}

function detail(a: PlannedAction, plan: Plan): string {
  const call = (req: ApiRequest): string => {
    const d = describeCall(req);
    const q = (d['query'] ?? d['form']) as Record<string, string>;
    const params = Object.entries(q).map(([k, v]) => `${k}=${v}`).join('&');
    return `${req.method} ${req.path} ${params}`;
  };
  switch (a.kind) {
    case 'message':
      return `${call(a.request)}  text ${a.encodedLength}/1500 encoded${a.text !== undefined ? `: ${JSON.stringify(a.text.length > 60 ? `${a.text.slice(0, 57)}...` : a.text)}` : ''}${a.imageUrl ? ` image ${a.imageUrl}` : ''}`;
    case 'checkin':
      return `check-in for ${a.limitTime}s${a.message ? ` ${JSON.stringify(a.message)}` : ''}, registered at ${relativeLabel(a.at, plan)} in ${a.batchId} (delayTime ${a.startsAt})`;
    case 'chatExport':
      return `${call(a.request)} then poll until done and download`;
    case 'historyExport':
      return `GET /live/v3/user/chat/get-speak-list, ${a.format}, window ${iso(a.from)} → ${iso(a.to)}, pages of ${a.pageSize}`;
    case 'reportExport':
      return `${call(a.request)} retried while not ready, for up to ${formatDuration(a.deadlineMs)}`;
  }
}
