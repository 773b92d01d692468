import { DateTime } from 'luxon';
import { formatTime, msg, t, time, type Language, type MessageKey, type MsgParam } from '../i18n/index.js';

/** One action on the picture. */
export interface TimelineMark {
  readonly id: string;
  readonly kind: 'message' | 'checkin' | 'chatExport' | 'historyExport' | 'reportExport';
  readonly channel: string;
  readonly at: number;
  readonly startsAt?: number;
  readonly endsAt?: number;
  /** pending, sending, done, failed, ambiguous, skipped (a plan's marks are all pending). */
  readonly state: string;
  readonly text?: string;
  readonly call: string;
}

/** What the timeline picture shows: a lesson, its channels as lanes, its actions as marks. */
export interface TimelineModel {
  readonly name: string;
  readonly zone: string;
  readonly start: number;
  readonly end: number;
  readonly channels: readonly string[];
  readonly marks: readonly TimelineMark[];
  /** Where the "now" line goes; left out when outside the picture. */
  readonly now?: number;
}

const WIDTH = 1000;
const LEFT = 110;
const RIGHT = 20;
const TOP = 34;
const LANE = 40;

/**
 * The colours by state and the shapes by kind: the same rules for the page (in its stylesheet) and
 * for `runbook plan --html` (inside the picture).
 */
export const TIMELINE_CSS = `
.tl { font: 12px system-ui, sans-serif; width: 100%; height: auto; }
.tl .lane { fill: #f4f6f8; }
.tl .lane-label { fill: #333; font-weight: 600; }
.tl .axis { stroke: #99a; stroke-width: 1; }
.tl .tick { fill: #556; }
.tl .window { fill: #dde8f6; }
.tl .now { stroke: #d33; stroke-width: 2; }
.tl .now-label { fill: #d33; font-weight: 600; }
.tl .mark { stroke: #fff; stroke-width: 1.5; }
.tl .state-pending { fill: #8a94a6; }
.tl .state-sending { fill: #f0a020; }
.tl .state-done { fill: #2e9d4f; }
.tl .state-failed { fill: #d33; }
.tl .state-ambiguous { fill: #a050d0; }
.tl .state-skipped { fill: #c8ccd2; }
.tl .mark-checkin { fill-opacity: 0.75; }
`;

/**
 * The picture as SVG text, its words in `lang` (times in the event's zone). `withStyle` puts
 * TIMELINE_CSS inside it (a standalone file).
 */
export function timelineSvg(m: TimelineModel, lang: Language, withStyle = false): string {
  const fmt = (ms: number): string => formatTime(time(ms, m.zone, 'dateTimeSeconds'), lang);
  // A check-in is drawn as its interval on the platform, not at its registration (minutes ahead).
  const times = m.marks.flatMap((k) => (k.kind === 'checkin' ? [k.startsAt ?? k.at, k.endsAt ?? k.at] : [k.at]));
  const lo = Math.min(m.start, ...times);
  const hi0 = Math.max(m.end, ...times);
  const span = Math.max(hi0 - lo, 1000);
  const pad = span * 0.03;
  const t0 = lo - pad;
  const t1 = hi0 + pad;
  const x = (t: number): number => LEFT + ((t - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT);
  const lanes = m.channels.length > 0 ? m.channels : [...new Set(m.marks.map((k) => k.channel))];
  const laneOf = new Map(lanes.map((c, i) => [c, i]));
  const height = TOP + lanes.length * LANE + 24;
  const out: string[] = [];
  out.push(
    // i18n-exempt: SVG markup; its words come from the catalog
    `<svg xmlns="http://www.w3.org/2000/svg" class="tl" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(t(lang, 'serve.timeline.label', { name: m.name }))}">`,
  );
  if (withStyle) out.push(`<style>${TIMELINE_CSS}</style>`);
  out.push(
    // i18n-exempt: SVG markup; its words come from the catalog
    `<rect class="window" x="${f(x(m.start))}" y="${TOP - 6}" width="${f(Math.max(x(m.end) - x(m.start), 1))}" height="${lanes.length * LANE + 6}"><title>${esc(t(lang, 'serve.timeline.window', { start: fmt(m.start), end: fmt(m.end), zone: m.zone }))}</title></rect>`,
  );
  lanes.forEach((c, i) => {
    const y = TOP + i * LANE;
    // i18n-exempt: SVG markup; its words come from the catalog
    out.push(`<rect class="lane" x="${LEFT}" y="${y + 4}" width="${WIDTH - LEFT - RIGHT}" height="${LANE - 8}" rx="4" fill-opacity="0.6"/>`);
    // i18n-exempt: SVG markup; its words come from the catalog
    out.push(`<text class="lane-label" x="${LEFT - 8}" y="${y + LANE / 2 + 4}" text-anchor="end">${esc(c)}</text>`);
  });
  const axisY = TOP + lanes.length * LANE + 4;
  // i18n-exempt: SVG markup; its words come from the catalog
  out.push(`<line class="axis" x1="${LEFT}" y1="${axisY}" x2="${WIDTH - RIGHT}" y2="${axisY}"/>`);
  // i18n-exempt: SVG markup; its words come from the catalog
  for (const at of ticks(t0, t1)) out.push(`<text class="tick" x="${f(x(at))}" y="${axisY + 16}" text-anchor="middle">${esc(tick(at, m.zone, span))}</text>`);
  out.push(
    // i18n-exempt: SVG markup; its words come from the catalog
    `<text class="tick" x="${f(x(m.start))}" y="${TOP - 12}" text-anchor="end">${esc(t(lang, 'serve.timeline.start'))}</text><text class="tick" x="${f(x(m.end))}" y="${TOP - 12}" text-anchor="start">${esc(t(lang, 'serve.timeline.end'))}</text>`,
  );
  for (const k of m.marks) {
    const lane = laneOf.get(k.channel) ?? 0;
    const cy = TOP + lane * LANE + LANE / 2;
    const head = t(lang, 'serve.timeline.mark', { id: k.id, kind: msg(`serve.kind.${k.kind}`), state: stateWord(k.state) });
    const when = k.endsAt !== undefined ? t(lang, 'serve.timeline.interval', { start: fmt(k.startsAt ?? k.at), end: fmt(k.endsAt) }) : fmt(k.startsAt ?? k.at);
    const title = `<title>${esc([head, when, k.text ?? '', k.call].filter(Boolean).join('\n'))}</title>`;
    // i18n-exempt: SVG markup; its words come from the catalog
    const attrs = `class="mark mark-${k.kind} state-${esc(k.state)}" data-id="${esc(k.id)}" data-state="${esc(k.state)}"`;
    if (k.kind === 'checkin') {
      const a = x(k.startsAt ?? k.at);
      const b = x(k.endsAt ?? k.at);
      out.push(`<rect ${attrs} x="${f(a)}" y="${cy - 9}" width="${f(Math.max(b - a, 4))}" height="18" rx="3">${title}</rect>`);
    } else if (k.kind === 'message') {
      out.push(`<circle ${attrs} cx="${f(x(k.at))}" cy="${cy}" r="7">${title}</circle>`);
    } else {
      const cx = x(k.at);
      out.push(`<path ${attrs} d="M${f(cx)} ${cy - 9}L${f(cx + 9)} ${cy}L${f(cx)} ${cy + 9}L${f(cx - 9)} ${cy}Z">${title}</path>`);
    }
  }
  if (m.now !== undefined && m.now >= t0 && m.now <= t1) {
    out.push(
      // i18n-exempt: SVG markup; its words come from the catalog
      `<line class="now" x1="${f(x(m.now))}" y1="${TOP - 8}" x2="${f(x(m.now))}" y2="${axisY}"/><text class="now-label" x="${f(x(m.now))}" y="${TOP - 22}" text-anchor="middle">${esc(t(lang, 'serve.timeline.now'))}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}

/** About six round times across the picture. */
function ticks(t0: number, t1: number): number[] {
  const steps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600].map((s) => s * 1000);
  const step = steps.find((s) => (t1 - t0) / s <= 7) ?? 43_200_000;
  const out: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push(t);
  return out;
}

/** A tick's time on the axis: hours and minutes (and seconds on a short picture), alike in every language. */
function tick(at: number, zone: string, span: number): string {
  return DateTime.fromMillis(at, { zone }).toFormat(span < 600_000 ? 'HH:mm:ss' : 'HH:mm');
}

const STATES = new Set(['pending', 'sending', 'done', 'failed', 'ambiguous', 'skipped', 'withdrawn']);

/** A state's word, as a message (a state runbook does not know is shown by its code). */
function stateWord(state: string): MsgParam {
  return STATES.has(state) ? msg(`serve.state.${state}` as MessageKey) : state;
}

function f(n: number): string {
  return n.toFixed(1);
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
