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
import { duration, msg, padEnd, t, time, type Language } from '../../i18n/index.js';
import { zonedTimes } from './zoned-times.js';

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
    // Whole, the same in every language (machines read it): the warnings' messages in English.
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
 * action's exact call too (the same as `plan --json` shows). Times are in the event's zone, written
 * as the language writes them.
 */
export function renderPlanText(plan: Plan, warnings: readonly Diagnostic[], opts: { color: boolean; cwd: string; verbose?: boolean; lang?: Language }): string {
  const lang = opts.lang ?? 'en';
  const bold = (s: string): string => (opts.color ? `\u001b[1m${s}\u001b[0m` : s);
  const dim = (s: string): string => (opts.color ? `\u001b[2m${s}\u001b[0m` : s);
  const z = plan.event.zone;
  // With the UTC offset always: across a fall-back change the same wall time happens twice, and
  // only the offset tells which one a line means (01:45 +11:00, then 01:35 +10:30).
  const zoned = zonedTimes(z, lang, 'full');
  const local = zoned.text;
  const rel = (p: string): string => shownPath(opts.cwd, p);
  const out: string[] = [];
  out.push(bold(plan.event.name));
  out.push(
    `  ${t(lang, 'cli.plan.text.eventTimes', { start: local(plan.event.start), end: local(plan.event.end), zone: z, startUtc: iso(plan.event.start), endUtc: iso(plan.event.end) })}`,
  );
  out.push(`  ${t(lang, 'cli.plan.text.runLine', { runId: plan.runId, actions: plan.actions.length, channels: Object.keys(plan.channels).length })}`);
  const byChannel = new Map<string, PlannedAction[]>();
  for (const a of plan.actions) {
    const list = byChannel.get(a.channelAlias);
    if (list) list.push(a);
    else byChannel.set(a.channelAlias, [a]);
  }
  const shown = (a: PlannedAction): number => (a.kind === 'checkin' ? a.startsAt : a.at);
  // The time column is as wide as its widest entry (a Chinese date's width varies with the month).
  let timeWidth = 0;
  for (const a of plan.actions) timeWidth = Math.max(timeWidth, zoned.width(shown(a)));
  for (const b of plan.checkinBatches) timeWidth = Math.max(timeWidth, zoned.width(b.at));
  const timeCell = (ms: number): string => local(ms) + ' '.repeat(Math.max(0, timeWidth - zoned.width(ms)));
  const row = (label: string, ms: number, rest: string): string => `  ${padEnd(label, 9)} ${timeCell(ms)}  ${rest}`;
  for (const [alias, actions] of byChannel) {
    out.push('');
    out.push(bold(t(lang, 'cli.plan.text.channel', { alias, channelId: plan.channels[alias] ?? '' })));
    for (const a of [...actions].sort((x, y) => shown(x) - shown(y) || x.seq - y.seq)) {
      const when = shown(a);
      out.push(row(relativeLabel(when, plan, a.relativeTo), when, `${padEnd(a.kind, 13)} ${a.id}`));
      out.push(dim(`            ${detail(a, plan, rel, lang)}`));
      const call = callOf(a);
      if (opts.verbose && call) out.push(dim(`            ${redactedCallLine(call)}`));
    }
  }
  if (plan.checkinBatches.length) {
    out.push('');
    out.push(bold(t(lang, 'cli.plan.text.registrations')));
    for (const b of plan.checkinBatches) {
      out.push(row(relativeLabel(b.at, plan), b.at, t(lang, 'cli.plan.text.registers', { batch: b.id, count: b.actionIds.length })));
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

const AUDIENCE = { 1: 'cli.plan.text.audience.everyone', 2: 'cli.plan.text.audience.viewers', 3: 'cli.plan.text.audience.staff' } as const;

function detail(a: PlannedAction, plan: Plan, rel: (p: string) => string, lang: Language): string {
  switch (a.kind) {
    case 'message': {
      const text =
        a.text !== undefined
          ? t(lang, 'cli.plan.text.messageText', {
              text: JSON.stringify(a.text.length > 60 ? `${a.text.slice(0, 57)}...` : a.text),
              length: a.encodedLength,
              limit: PlatformLimits.maxEncodedContent,
            })
          : t(lang, 'cli.plan.text.noText');
      return t(lang, 'cli.plan.text.message', {
        text,
        image: a.imageUrl ?? 'none',
        audience: msg(AUDIENCE[a.watchType]),
        inHistory: a.joinHistoryList ? 'yes' : 'no',
      });
    }
    case 'checkin':
      return t(lang, 'cli.plan.text.checkin', {
        limit: a.limitTime === 0 ? 'none' : duration(a.limitTime * 1000),
        prompt: a.message ? JSON.stringify(a.message) : 'none',
        registeredAt: relativeLabel(a.at, plan),
        batch: a.batchId,
      });
    case 'chatExport':
      return t(lang, 'cli.plan.text.chatExport', { dir: rel(a.outDir) });
    case 'historyExport':
      return t(lang, 'cli.plan.text.historyExport', {
        from: time(a.from, plan.event.zone, 'full'),
        to: time(a.to, plan.event.zone, 'full'),
        format: a.format,
        pageSize: a.pageSize,
        dir: rel(a.outDir),
      });
    case 'reportExport':
      return t(lang, 'cli.plan.text.reportExport', { session: a.sessionId, deadline: duration(a.deadlineMs), dir: rel(a.outDir) });
  }
}
