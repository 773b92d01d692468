// Small helpers shared by the benchmarks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export function machine() {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`;
}

/** Runs `node [--import lib-rss] args` `runs` times; returns wall times (ms) and peak RSS (MB). */
export function timeProcess(args, { runs = 10, cwd, rss = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-bench-'));
  const rssFile = join(dir, 'rss');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [...(rss ? ['--import', new URL('./lib-rss.mjs', import.meta.url).pathname] : []), ...args], {
      cwd,
      env: { ...process.env, RUNBOOK_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    times.push(performance.now() - t0);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  const rssKb = rss ? readFileSync(rssFile, 'utf8').trim().split('\n').map(Number) : [];
  rmSync(dir, { recursive: true, force: true });
  return { times, peakRssMb: rssKb.length ? Math.max(...rssKb) / 1024 : undefined };
}
