import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatTime, t, time, type Language } from '../i18n/index.js';
import type { Plan } from '../plan/types.js';
import { actionViews, callOf, sourceOf } from './action-view.js';
import { timelineModel } from './timeline-model.js';
import { esc, TIMELINE_CSS, timelineSvg } from './timeline-svg.js';

// i18n-exempt: CSS, nobody reads it
const PAGE_CSS = `body { font: 14px/1.4 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; margin: 16px; color: #1d2330; }
h1 { font-size: 18px; margin: 0; } .meta { color: #667; font-size: 12px; margin-bottom: 8px; }
table { border-collapse: collapse; width: 100%; margin-top: 12px; } th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eceff3; vertical-align: top; }
th { font-size: 12px; color: #667; } td:first-child { white-space: nowrap; } td code { font-size: 11px; word-break: break-all; } .svgbox { overflow-x: auto; } .svgbox svg { min-width: 560px; }`;

/**
 * `runbook plan FILE --html OUT`: the lesson's timeline as one static HTML file (no script, nothing
 * fetched) for review in a pull request — the same picture `runbook serve` shows, every action
 * pending, and the table of actions with their exact calls (sign redacted). Its words are in
 * `lang`, its times in the event's zone by the language's conventions.
 */
export function planTimelineHtml(plan: Plan, lang: Language): string {
  const views = actionViews(plan, []);
  const zone = plan.event.zone;
  const at = (ms: number): string => formatTime(time(ms, zone, 'dateTimeSeconds'), lang);
  const rows = views
    .map(
      (v) =>
        `<tr><td>${esc(at(v.startsAt ?? v.at))}</td><td><code>${esc(v.id)}</code></td><td>${esc(t(lang, `serve.kind.${v.kind}`))}</td><td>${esc(t(lang, 'serve.planHtml.channel', { alias: v.channel, id: v.channelId }))}</td><td>${esc(v.text ?? '')}</td><td><code>${esc(callOf(v))}</code></td><td>${esc(sourceOf(v))}</td></tr>`,
    )
    .join('\n');
  const meta = t(lang, 'serve.planHtml.meta', {
    start: time(plan.event.start, zone, 'full'),
    end: time(plan.event.end, zone, 'dateTimeSeconds'),
    zone,
    actions: views.length,
    files: plan.event.files.length,
  });
  const cols = (['colTime', 'colAction', 'colKind', 'colChannel', 'colText', 'colCall', 'colSource'] as const).map(
    (c) => `<th>${esc(t(lang, `serve.planHtml.${c}`))}</th>`,
  );
  // i18n-exempt: markup; its words come from the catalog
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t(lang, 'serve.planHtml.title', { name: plan.event.name }))}</title>
<style>${PAGE_CSS}${TIMELINE_CSS}</style></head>
<body>
<h1>${esc(plan.event.name)}</h1>
<div class="meta">${esc(meta)}</div>
<div class="svgbox">${timelineSvg(timelineModel(plan, views), lang)}</div>
<table><thead><tr>${cols.join('')}</tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/** Writes the plan's timeline page to `out` (folders made as needed), in `lang` (the CLI's). */
export function writePlanHtml(out: string, plan: Plan, lang: Language): void {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, planTimelineHtml(plan, lang));
}
