import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DateTime } from 'luxon';
import type { Plan } from '../plan/types.js';
import { actionViews, callOf, sourceOf } from './action-view.js';
import { timelineModel } from './timeline-model.js';
import { esc, TIMELINE_CSS, timelineSvg } from './timeline-svg.js';

const PAGE_CSS = `body { font: 14px/1.4 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 16px; color: #1d2330; }
h1 { font-size: 18px; margin: 0; } .meta { color: #667; font-size: 12px; margin-bottom: 8px; }
table { border-collapse: collapse; width: 100%; margin-top: 12px; } th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eceff3; vertical-align: top; }
th { font-size: 12px; color: #667; } td:first-child { white-space: nowrap; } td code { font-size: 11px; word-break: break-all; } .svgbox { overflow-x: auto; } .svgbox svg { min-width: 560px; }`;

/**
 * `runbook plan FILE --html OUT`: the lesson's timeline as one static HTML file (no script, nothing
 * fetched) for review in a pull request — the same picture `runbook serve` shows, every action
 * pending, and the table of actions with their exact calls (sign redacted).
 */
export function planTimelineHtml(plan: Plan): string {
  const views = actionViews(plan, []);
  const zone = plan.event.zone;
  const t = (ms: number): string => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd HH:mm:ss');
  const rows = views
    .map(
      (v) =>
        `<tr><td>${esc(t(v.startsAt ?? v.at))}</td><td><code>${esc(v.id)}</code></td><td>${esc(v.kind)}</td><td>${esc(`${v.channel} (${v.channelId})`)}</td><td>${esc(v.text ?? '')}</td><td><code>${esc(callOf(v))}</code></td><td>${esc(sourceOf(v))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(plan.event.name)} — runbook plan</title>
<style>${PAGE_CSS}${TIMELINE_CSS}</style></head>
<body>
<h1>${esc(plan.event.name)}</h1>
<div class="meta">${esc(`${t(plan.event.start)} – ${t(plan.event.end)} (${zone}) · ${views.length} actions · ${plan.event.files.length} file(s)`)}</div>
<div class="svgbox">${timelineSvg(timelineModel(plan, views))}</div>
<table><thead><tr><th>time</th><th>action</th><th>kind</th><th>channel</th><th>text</th><th>call</th><th>source</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/** Writes the plan's timeline page to `out` (folders made as needed). */
export function writePlanHtml(out: string, plan: Plan): void {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, planTimelineHtml(plan));
}
