// Loaded with `node --import ./bench/lib-usage.mjs …`: on exit, the process appends its peak RSS (KB)
// and its CPU time (user + system, µs) to the file named by RUNBOOK_BENCH_USAGE_FILE. CPU time is
// the figure to compare on a machine that other work shares; wall time is what a user waits.
import { appendFileSync } from 'node:fs';
const file = process.env.RUNBOOK_BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    appendFileSync(file, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
  });
}
