import { DateTime } from 'luxon';
import type { EngineEvent } from '../../engine/events.js';
import type { RunSummary } from '../../engine/engine.js';
import type { Plan } from '../../plan/types.js';
import type { Writer } from '../context.js';
import { inPlannedOrder } from './planned-order.js';

const time = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toFormat('HH:mm:ss.SSS');

/** One line per event (off a terminal), or the dry run's "what would be sent, when". */
export function lineRenderer(out: Writer, plan: Plan, dryRun: boolean): (e: EngineEvent) => void {
  const z = plan.event.zone;
  return (e) => {
    switch (e.type) {
      case 'start':
        out.write(`${dryRun ? 'dry run' : 'run'} ${e.runId}: ${e.units} call(s)${e.resumed ? ', resuming' : ''}; times in ${z}\n`);
        break;
      case 'skip-done':
        out.write(`already done: ${e.unit}\n`);
        break;
      case 'dispatch':
        out.write(
          dryRun ? `${time(e.plannedAt, z)} ${e.unit} ${e.call ?? ''}\n` : `${time(e.at, z)} send ${e.unit} (${e.kind}), ${e.latenessMs} ms after its time\n`,
        );
        break;
      case 'outcome':
        if (!dryRun || e.result !== 'ok') out.write(`${e.result === 'ok' ? 'ok' : e.result.toUpperCase()} ${e.unit}${e.message ? `: ${e.message}` : ''}\n`);
        break;
      case 'export-progress':
        if (e.pages % 50 === 1) out.write(`${e.unit}: ${e.records} records, ${e.pages} pages, ${Math.round(e.recordsPerSecond)} records/s\n`);
        break;
      case 'notice':
        out.write(`note: ${e.message}\n`);
        break;
      case 'stop':
        break;
    }
  };
}

/** On a terminal: the next actions with countdowns and the counts, redrawn at most 4 times a second. */
export function liveRenderer(out: Writer, plan: Plan, color: boolean, now: () => number): { onEvent: (e: EngineEvent) => void; stop: () => void } {
  const done = new Set<string>();
  const counts = { ok: 0, failed: 0, ambiguous: 0, skipped: 0 };
  const log: string[] = [];
  let drawn = 0;
  const dim = (s: string): string => (color ? `\u001b[2m${s}\u001b[0m` : s);
  const red = (s: string): string => (color ? `\u001b[31m${s}\u001b[0m` : s);
  const draw = (): void => {
    const lines: string[] = [];
    lines.push(`${plan.event.name} — ok ${counts.ok}, failed ${counts.failed}, ambiguous ${counts.ambiguous}, skipped ${counts.skipped}`);
    const next = plan.actions.filter((a) => !done.has(a.kind === 'checkin' ? a.batchId : a.id)).slice(0, 5);
    for (const a of next) lines.push(dim(`  in ${Math.max(0, Math.round((a.at - now()) / 1000))}s  ${a.kind.padEnd(13)} ${a.id}`));
    for (const l of log.slice(-5)) lines.push(l);
    out.write(`${drawn ? `\u001b[${drawn}F\u001b[J` : ''}${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 250);
  return {
    onEvent: (e) => {
      if (e.type === 'notice') log.push(`  note: ${e.message}`);
      if (e.type === 'outcome' || e.type === 'skip-done') {
        done.add(e.unit);
        if (e.type === 'outcome') {
          counts[e.result] += 1;
          log.push(e.result === 'ok' ? `  ✓ ${e.unit}` : red(`  ${e.result.toUpperCase()} ${e.unit}${e.message ? `: ${e.message}` : ''}`));
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
export function renderSummary(summary: RunSummary, plan: Plan, where: { journal?: string } = {}): string {
  const z = plan.event.zone;
  const actions = inPlannedOrder(summary.actions, plan);
  const rows = actions.map((a) => [
    a.id,
    a.kind,
    a.channelId,
    DateTime.fromMillis(a.plannedAt, { zone: z }).toFormat('MM-dd HH:mm:ss'),
    a.result,
    a.latenessMs === undefined ? '' : `${a.latenessMs} ms`,
  ]);
  const head = ['action', 'kind', 'channel', `planned (${z})`, 'outcome', 'late'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const fmt = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => fmt(r as string[]))];
  const by = (s: string): string[] => actions.filter((a) => a.result === s).map((a) => a.id);
  const count = (s: string): number => by(s).length;
  lines.push('');
  lines.push(`${count('ok')} ok, ${count('failed')} failed, ${count('ambiguous')} ambiguous, ${count('skipped')} skipped, ${count('pending')} pending`);
  if (count('ambiguous')) lines.push(`ambiguous (sent, answer unknown; check the channel before resending): ${by('ambiguous').join(', ')}`);
  for (const a of actions.filter((x) => (x.result === 'failed' || x.result === 'skipped') && x.message)) lines.push(`${a.result} ${a.id}: ${a.message}`);
  if (where.journal) lines.push(`journal: ${where.journal}`);
  const outDirs = [
    ...new Set(plan.actions.flatMap((a) => ('outDir' in a && summary.actions.some((r) => r.id === a.id && r.result === 'ok') ? [a.outDir] : []))),
  ];
  for (const d of outDirs) lines.push(`exports written to: ${d}`);
  return `${lines.join('\n')}\n`;
}
