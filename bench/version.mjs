// Bar (issue 2): `runbook --version`, whole process, median ≤ 120 ms.
import { machine, median, timeProcess } from './lib-stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const bare = timeProcess(['-e', '0'], { runs: 20, cwd: root, rss: false });
const v = timeProcess(['bin/runbook.js', '--version'], { runs: 30, cwd: root, rss: false });
const h = timeProcess(['bin/runbook.js', '--help'], { runs: 20, cwd: root, rss: false });
console.log(`machine: ${machine()}`);
console.log(`node -e 0 (baseline): median ${median(bare.times).toFixed(1)} ms`);
console.log(`runbook --version:    median ${median(v.times).toFixed(1)} ms (bar ≤ 120 ms)`);
console.log(`runbook --help:       median ${median(h.times).toFixed(1)} ms`);
