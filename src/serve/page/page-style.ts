/* i18n-exempt-file: CSS, nobody reads it */
import { TIMELINE_CSS } from '../timeline-svg.js';

/** The page's stylesheet: a list and a lesson side by side on a laptop, one above the other on a phone. */
export const PAGE_STYLE = `
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d2330; background: #fff; }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 10px 16px; border-bottom: 1px solid #e2e5ea; }
header h1 { font-size: 16px; margin: 0; }
.who { margin-left: auto; color: #556; font-size: 13px; }
.who input { font: inherit; padding: 3px 6px; width: 12em; }
.langs { font-size: 13px; color: #99a; }
.langs a { color: #2a5db0; }
.langs strong { color: #1d2330; font-weight: 600; }
main { display: grid; grid-template-columns: minmax(240px, 320px) 1fr; gap: 16px; padding: 12px 16px; }
main > nav, main > section { min-width: 0; }
.meta, td .text, td .note { overflow-wrap: anywhere; }
nav h2, nav summary { font-size: 13px; text-transform: uppercase; color: #667; margin: 12px 0 4px; }
.n { color: #99a; font-weight: normal; }
ul.lessons { list-style: none; padding: 0; margin: 0; }
li.lesson a { display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; padding: 6px 8px; border-radius: 6px; color: inherit; text-decoration: none; }
li.lesson a:hover { background: #f2f4f7; }
li.lesson.selected a { background: #e6eefb; }
li.lesson .when { font-size: 12px; color: #667; }
li.lesson .name { grid-column: 1; font-weight: 600; }
li.lesson .badge { grid-column: 2; grid-row: 1 / span 2; align-self: center; }
li.lesson .counts { grid-column: 1 / span 2; font-size: 12px; color: #667; }
li.empty, li.more { color: #99a; padding: 4px 8px; }
.templates { color: #99a; font-size: 12px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e2e5ea; color: #333; }
.badge-running, .badge-sending { background: #fbe6c2; color: #7a4a00; }
.badge-done, .badge-finished { background: #d5efdc; color: #1b5e2f; }
.badge-failed, .badge-locked { background: #f9d3d3; color: #8a1c1c; }
.badge-ambiguous { background: #ead7f5; color: #5b2080; }
.badge-paused, .badge-skipped { background: #e2e5ea; color: #445; }
.lesson-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 8px; align-items: flex-start; }
.lesson-head h2 { margin: 0; font-size: 18px; }
.meta { color: #667; font-size: 12px; }
.lesson-ctl { display: flex; gap: 8px; align-items: center; }
button { font: inherit; padding: 4px 10px; border: 1px solid #b8c0cc; border-radius: 6px; background: #f7f8fa; cursor: pointer; }
button:hover { background: #eceff3; }
button.send-now { border-color: #e0a040; }
.timeline { margin: 10px 0; overflow-x: auto; }
.timeline svg { min-width: 560px; }
.legend { color: #667; font-size: 12px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin: 0 3px 0 8px; vertical-align: -1px; }
.dot.state-pending { background: #8a94a6; } .dot.state-sending { background: #f0a020; } .dot.state-done { background: #2e9d4f; }
.dot.state-failed { background: #d33; } .dot.state-ambiguous { background: #a050d0; } .dot.state-skipped { background: #c8ccd2; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 6px; border-bottom: 1px solid #eceff3; vertical-align: top; }
th { font-size: 12px; color: #667; font-weight: 600; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
td .kind, td .late, td .note { font-size: 12px; color: #667; }
td .text { white-space: pre-wrap; }
details.call code { display: block; font-size: 11px; word-break: break-all; color: #445; }
details.call summary { font-size: 12px; color: #667; cursor: pointer; }
td.ctl { white-space: nowrap; }
td.ctl button { margin: 0 0 4px 4px; }
.error { margin: 8px 16px; padding: 8px 12px; background: #fdeaea; color: #8a1c1c; border-radius: 6px; }
.diagnostics { margin: 8px 16px; padding: 8px 12px; background: #fff6e0; border: 1px solid #f0d48a; border-radius: 6px; }
.diagnostics h2 { font-size: 14px; margin: 0 0 6px; }
.rejected-file { font-weight: 600; }
.diagnostics ul { margin: 4px 0 8px; padding-left: 18px; }
.diag code { font-size: 12px; }
@media (max-width: 760px) {
  main { grid-template-columns: 1fr; padding: 8px; }
  header { padding: 8px; }
  .who { margin-left: 0; width: 100%; }
  /* each action a card: time, id and state on top, the text and the call below, the buttons last */
  #actions thead { display: none; }
  #actions, #actions tbody, #actions tr, #actions td { display: block; width: 100%; }
  #actions tr { border-bottom: 1px solid #e2e5ea; padding: 6px 0; }
  #actions td { border: 0; padding: 2px 4px; }
  #actions td.time, #actions td.id, #actions td.st { display: inline-block; width: auto; }
  td.ctl button { padding: 8px 14px; }
}
${TIMELINE_CSS}`;
