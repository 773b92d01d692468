// Loaded with `node --import ./bench/lib-rss.mjs …`: on exit, the process reports its own peak RSS
// (kilobytes, from getrusage) to the file named by RUNBOOK_BENCH_RSS_FILE.
import { appendFileSync } from 'node:fs';
const file = process.env.RUNBOOK_BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
