// Preloaded into the runner (`node --import bench/lib-lateness-probe.mjs bin/runbook.js run …`) by
// bench/run-lateness.mjs: records, for every request undici sends, the moment it reports the request
// handed whole to the socket (diagnostics channel `undici:request:bodySent`, published right after
// the last socket.write of a request with a buffered body). Nothing of runbook is changed: the probe
// only listens to undici's public diagnostics channels. In the hot path it keeps a reference and a
// time per request; decoding which action a request was happens once, when the process exits.
// Output: JSON lines {path, body, t} to RUNBOOK_BENCH_PROBE_FILE; t is wall-clock ms (fractional).
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

const out = process.env.RUNBOOK_BENCH_PROBE_FILE;
const sent = [];
const wall = () => performance.timeOrigin + performance.now();
subscribe('undici:request:bodySent', ({ request }) => sent.push({ request, t: wall() }));
process.on('exit', () => {
  if (!out) return;
  const lines = sent.map(({ request, t }) => JSON.stringify({ path: request.path, body: request.body ? Buffer.from(request.body).toString('utf8') : '', t }));
  writeFileSync(out, lines.join('\n') + '\n');
});
