import { DateTime } from 'luxon';
import type { EngineEvent } from '../../engine/events.js';
import type { RunSummary } from '../../engine/engine.js';
import { displayWidth, formatMessage, formatTime, list, padEnd, t, time, type Language, type Msg } from '../../i18n/index.js';
import type { Plan } from '../../plan/types.js';
import type { Writer } from '../context.js';
import { inPlannedOrder } from './planned-order.js';
import { renderTable } from './table.js';

/** A clock time with milliseconds, in the event's zone: the same in every language (lateness is read off it). */
const clockTime = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toFormat('HH:mm:ss.SSS');

type Result = 'ok' | 'failed' | 'ambiguous' | 'skipped';
const LABEL = {
  ok: 'run.progress.label.ok',
  failed: 'run.progress.label.failed',
  ambiguous: 'run.progress.label.ambiguous',
  skipped: 'run.progress.label.skipped',
} as const;
const RESULT = {
  ok: 'run.result.ok',
  failed: 'run.result.failed',
  ambiguous: 'run.result.ambiguous',
  skipped: 'run.result.skipped',
  pending: 'run.result.pending',
} as const;

/** What an event or a report says, in the reader's language (its English `message` when it has no `text`). */
function shown(x: { readonly message?: string; readonly text?: Msg }, lang: Language): string | undefined {
  return x.text ? formatMessage(x.text, lang) : x.message;
}

/** `FAILED unit: why` (or `ok unit`), as a line of progress says an outcome. */
function outcomeLine(lang: Language, result: Result, unit: string, message: string | undefined): string {
  const label = t(lang, LABEL[result]);
  return message ? t(lang, 'run.progress.outcomeWithMessage', { result: label, unit, message }) : t(lang, 'run.progress.outcome', { result: label, unit });
}

/** One line per event (off a terminal), or the dry run's "what would be sent, when". */
export function lineRenderer(out: Writer, plan: Plan, dryRun: boolean, lang: Language): (e: EngineEvent) => void {
  const z = plan.event.zone;
  return (e) => {
    switch (e.type) {
      case 'start':
        out.write(
          `${t(lang, dryRun ? 'run.progress.startDry' : 'run.progress.start', { runId: e.runId, units: e.units, resumed: e.resumed ? 'yes' : 'no', zone: z })}\n`,
        );
        break;
      case 'skip-done':
        out.write(`${t(lang, 'run.progress.alreadyDone', { unit: e.unit })}\n`);
        break;
      case 'dispatch':
        out.write(
          dryRun
            ? `${clockTime(e.plannedAt, z)} ${e.unit} ${e.call ?? ''}\n`
            : `${t(lang, 'run.progress.send', { time: clockTime(e.at, z), unit: e.unit, kind: e.kind, lateness: e.latenessMs })}\n`,
        );
        break;
      case 'outcome':
        if (!dryRun || e.result !== 'ok') out.write(`${outcomeLine(lang, e.result, e.unit, shown(e, lang))}\n`);
        break;
      case 'export-progress':
        if (e.pages % 50 === 1)
          out.write(`${t(lang, 'run.progress.exportProgress', { unit: e.unit, records: e.records, pages: e.pages, rate: Math.round(e.recordsPerSecond) })}\n`);
        break;
      case 'notice':
        out.write(`${t(lang, 'run.progress.note', { message: shown(e, lang) ?? '' })}\n`);
        break;
      case 'stop':
        break;
    }
  };
}

/** On a terminal: the next actions with countdowns and the counts, redrawn at most 4 times a second. */
export function liveRenderer(
  out: Writer,
  plan: Plan,
  color: boolean,
  now: () => number,
  lang: Language,
): { onEvent: (e: EngineEvent) => void; stop: () => void } {
  const done = new Set<string>();
  const counts = { ok: 0, failed: 0, ambiguous: 0, skipped: 0 };
  const log: string[] = [];
  let drawn = 0;
  const dim = (s: string): string => (color ? `\u001b[2m${s}\u001b[0m` : s);
  const red = (s: string): string => (color ? `\u001b[31m${s}\u001b[0m` : s);
  const draw = (): void => {
    const lines: string[] = [];
    lines.push(t(lang, 'run.progress.liveCounts', { name: plan.event.name, ...counts }));
    const next = plan.actions.filter((a) => !done.has(a.kind === 'checkin' ? a.batchId : a.id)).slice(0, 5);
    const countdowns = next.map((a) => t(lang, 'run.progress.liveIn', { seconds: Math.max(0, Math.round((a.at - now()) / 1000)) }));
    const width = Math.max(0, ...countdowns.map(displayWidth));
    next.forEach((a, i) => lines.push(dim(`  ${padEnd(countdowns[i]!, width)}  ${padEnd(a.kind, 13)} ${a.id}`)));
    for (const l of log.slice(-5)) lines.push(l);
    out.write(`${drawn ? `\u001b[${drawn}F\u001b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 250);
  return {
    onEvent: (e) => {
      if (e.type === 'notice') log.push(`  ${t(lang, 'run.progress.note', { message: shown(e, lang) ?? '' })}`);
      if (e.type === 'outcome' || e.type === 'skip-done') {
        done.add(e.unit);
        if (e.type === 'outcome') {
          counts[e.result] += 1;
          log.push(e.result === 'ok' ? `  ✓ ${e.unit}` : red(`  ${outcomeLine(lang, e.result, e.unit, shown(e, lang))}`));
        }
      }
    },
    stop: () => {
      clearInterval(timer);
      draw();
    },
  };
}

/**
 * The table at the end: every action with its planned time (in the event's zone, named in the
 * header), outcome and lateness, in planned-time order (planned-order.ts); then where the journal and the exports are.
 */
export function renderSummary(summary: RunSummary, plan: Plan, where: { journal?: string }, lang: Language): string {
  const z = plan.event.zone;
  const actions = inPlannedOrder(summary.actions, plan);
  const rows = actions.map((a) => [
    a.id,
    a.kind,
    a.channelId,
    formatTime(time(a.plannedAt, z, 'dateTimeSeconds'), lang),
    t(lang, RESULT[a.result]),
    a.latenessMs === undefined ? '' : t(lang, 'run.summary.lateness', { ms: a.latenessMs }),
  ]);
  const head = [
    t(lang, 'run.summary.head.action'),
    t(lang, 'run.summary.head.kind'),
    t(lang, 'run.summary.head.channel'),
    t(lang, 'run.summary.head.planned', { zone: z }),
    t(lang, 'run.summary.head.outcome'),
    t(lang, 'run.summary.head.late'),
  ];
  const lines = renderTable(head, rows);
  const by = (s: Result | 'pending'): string[] => actions.filter((a) => a.result === s).map((a) => a.id);
  const count = (s: Result | 'pending'): number => by(s).length;
  lines.push('');
  lines.push(
    t(lang, 'run.summary.counts', {
      ok: count('ok'),
      failed: count('failed'),
      ambiguous: count('ambiguous'),
      skipped: count('skipped'),
      pending: count('pending'),
    }),
  );
  if (count('ambiguous')) lines.push(t(lang, 'run.summary.ambiguous', { ids: list(by('ambiguous')) }));
  for (const a of actions)
    if ((a.result === 'failed' || a.result === 'skipped') && (a.text || a.message))
      lines.push(t(lang, 'run.summary.problem', { result: t(lang, RESULT[a.result]), id: a.id, message: shown(a, lang) ?? '' }));
  if (where.journal) lines.push(t(lang, 'run.summary.journal', { path: where.journal }));
  const outDirs = [
    ...new Set(plan.actions.flatMap((a) => ('outDir' in a && summary.actions.some((r) => r.id === a.id && r.result === 'ok') ? [a.outDir] : []))),
  ];
  for (const d of outDirs) lines.push(t(lang, 'run.summary.exports', { dir: d }));
  return `${lines.join('\n')}\n`;
}
