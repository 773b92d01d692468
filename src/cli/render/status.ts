import type { RunStatus, StatusRow } from '../../api/status.js';
import { displayWidth, formatMessage, formatTime, list, padEnd, t, time, type Language } from '../../i18n/index.js';

const STATE = {
  done: 'cli.status.state.done',
  failed: 'cli.status.state.failed',
  ambiguous: 'cli.status.state.ambiguous',
  skipped: 'cli.status.state.skipped',
  pending: 'cli.status.state.pending',
  'in-flight': 'cli.status.state.inFlight',
} as const;

/**
 * `runbook status` for people: a line per action (state, planned time in the event's zone, kind,
 * id, what its outcome said), then the counts. Columns are padded in terminal columns, so Chinese
 * state names line up.
 */
export function renderStatus(st: RunStatus, lang: Language): string {
  const lines = [t(lang, 'cli.status.header', { runId: st.runId, file: st.file, runs: st.runs, journal: st.journal })];
  lines.push(t(lang, 'cli.status.zone', { zone: st.zone }));
  const states = st.rows.map((r) => t(lang, STATE[r.state]));
  const stateWidth = Math.max(10, ...states.map(displayWidth));
  const times = st.rows.map((r) => formatTime(time(r.at, st.zone, 'dateTimeSeconds'), lang));
  const timeWidth = Math.max(0, ...times.map(displayWidth));
  st.rows.forEach((r, i) => {
    const message = rowMessage(r, lang);
    lines.push(`  ${padEnd(states[i]!, stateWidth)} ${padEnd(times[i]!, timeWidth)}  ${padEnd(r.kind, 13)} ${r.id}${message ? `  ${message}` : ''}`);
  });
  const count = (s: StatusRow['state']): number => st.rows.filter((r) => r.state === s).length;
  lines.push(
    t(lang, 'cli.status.counts', {
      planned: st.rows.length,
      done: count('done'),
      failed: count('failed'),
      ambiguous: count('ambiguous'),
      skipped: count('skipped'),
      pending: count('pending'),
      inFlight: count('in-flight'),
    }),
  );
  const amb = st.rows.filter((r) => r.state === 'ambiguous').map((r) => r.id);
  if (amb.length) lines.push(t(lang, 'cli.status.ambiguous', { ids: list(amb) }));
  return `${lines.join('\n')}\n`;
}

function rowMessage(r: StatusRow, lang: Language): string | undefined {
  return r.text ? formatMessage(r.text, lang) : r.message;
}
