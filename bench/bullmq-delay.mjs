// How late BullMQ's delayed jobs reach a worker, against a real local redis-server: the figure behind
// the cluster's lead time (a lesson's job is delayed until a lead time before its next call; the node
// that takes it waits out the rest locally, so only the lead has to cover BullMQ's lateness).
//
// Three workers (as three nodes; one process, own connections each) with the cluster's worker options
// (src/cluster/cluster-node.ts: concurrency 1000, 10 s lock, stalled check every 5 s). JOBS delayed
// jobs, due at random instants over SPAN_MS; lateness = when the processor starts − the due instant.
//   idle: nothing else on the queue.
//   load: 600 jobs held active all along (lock renewals), 200 short jobs a second through the same
//         queue, and the workers' event loop kept busy 20 ms of every 100 ms.
// `env -u NODE_EXTRA_CA_CERTS node bench/bullmq-delay.mjs` (JOBS=300 SPAN_MS=20000 by default;
// REDIS_HZ=100 runs Redis with `--hz 100` instead of its default 10, to show where the lateness is from).
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { startRedis } from './lib-redis.mjs';
import { machine, median, percentile } from './lib-stats.mjs';

const JOBS = Number(process.env.JOBS ?? 300);
const SPAN_MS = Number(process.env.SPAN_MS ?? 20_000);
const FIRST_MS = 2000;
const WORKER_OPTIONS = { concurrency: 1000, lockDuration: 10_000, stalledInterval: 5000, maxStalledCount: 1_000_000 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const connection = (url) => new Redis(url, { maxRetriesPerRequest: null });

async function scenario(name, url, load) {
  const queueName = `delay-${name}`;
  const conns = [];
  const conn = () => {
    const c = connection(url);
    conns.push(c);
    return c;
  };
  const queue = new Queue(queueName, { connection: conn(), prefix: 'bench' });
  const late = [];
  /** Lateness against BullMQ's own due instant (the job's timestamp + its delay), to tell apart the add's own time. */
  const lateBull = [];
  let doubled = 0;
  const seen = new Set();
  let released;
  const release = new Promise((r) => (released = r));
  const workers = [0, 1, 2].map(
    () =>
      new Worker(
        queueName,
        async (job) => {
          if (job.name === 'delayed') {
            const now = Date.now();
            late.push(now - job.data.due);
            lateBull.push(now - (job.timestamp + job.opts.delay));
            if (seen.has(job.id)) doubled += 1;
            seen.add(job.id);
          } else if (job.name === 'held') {
            await release;
          }
        },
        { connection: conn(), prefix: 'bench', ...WORKER_OPTIONS },
      ),
  );
  for (const w of workers) w.on('error', (e) => console.error(`worker: ${e.message}`));
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  let busy;
  let churn;
  if (load) {
    await queue.addBulk(Array.from({ length: 600 }, (_, i) => ({ name: 'held', data: { i } })));
    busy = setInterval(() => {
      const end = performance.now() + 20;
      while (performance.now() < end);
    }, 100);
    churn = setInterval(() => void queue.addBulk(Array.from({ length: 20 }, () => ({ name: 'short', data: {}, opts: { removeOnComplete: true } }))), 100);
  }

  const start = Date.now();
  const jobs = Array.from({ length: JOBS }, (_, i) => {
    const delay = Math.round(FIRST_MS + Math.random() * SPAN_MS);
    return { name: 'delayed', data: { due: start + delay, i }, opts: { delay, jobId: `d-${i}` } };
  });
  // Added in one call at `start`, as a node schedules its term; each job's delay counts from `start`.
  await queue.addBulk(jobs);
  const deadline = start + FIRST_MS + SPAN_MS + 15_000;
  while (late.length < JOBS && Date.now() < deadline) await sleep(200);
  clearInterval(busy);
  clearInterval(churn);
  released();
  await Promise.all(workers.map((w) => w.close()));
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  for (const c of conns) c.disconnect();

  const lost = JOBS - seen.size;
  const early = late.filter((x) => x < 0).length;
  const f = (x) => `${x.toFixed(0)} ms`;
  console.log(
    `${name.padEnd(5)} ${late.length} delayed jobs: lateness p50 ${f(median(late))}, p99 ${f(percentile(late, 99))}, max ${f(Math.max(...late))}, min ${f(Math.min(...late))}; early ${early}, lost ${lost}, doubled ${doubled}; against BullMQ's own due instant p50 ${f(median(lateBull))}, p99 ${f(percentile(lateBull, 99))}`,
  );
  return { p50: median(late), p99: percentile(late, 99), max: Math.max(...late) };
}

const hz = process.env.REDIS_HZ;
console.log(`machine: ${machine()}; ${JOBS} jobs due over ${SPAN_MS / 1000} s, 3 workers; redis-server --hz ${hz ?? '10 (default)'}`);
const redis = await startRedis({ args: hz ? ['--hz', hz] : [] });
try {
  await scenario('idle', redis.url, false);
  await scenario('load', redis.url, true);
} finally {
  await redis.stop();
}
