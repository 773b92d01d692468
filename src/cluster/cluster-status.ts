import { relative, resolve, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import { msg } from '../i18n/index.js';
import { statusOfRecords, type RunStatus } from '../api/status.js';
import { readRedisJournal } from './journal-mirror.js';
import { journalKey, RUNS_KEY } from './keys.js';
import { connectRedis, redactRedisUrl } from './redis-connection.js';

/**
 * `runbook status --redis URL [FILE|RUN]`: a run's state from its journal in the cluster's Redis —
 * the one truth every node writes to. With a run id, that run; with a playbook (a path as the nodes
 * serve it, relative to their folder), its newest run; with neither, the newest run of all.
 */
export async function clusterRunStatus(url: string, target: string | undefined, cwd: string): Promise<RunStatus> {
  const redis = await connectRedis(url);
  try {
    const runs = await redis.hgetall(RUNS_KEY);
    let ids = Object.keys(runs);
    if (target !== undefined) {
      const asFile = relative(cwd, resolve(cwd, target)).split(sep).join('/');
      ids = ids.filter((id) => id === target || runs[id] === asFile || runs[id] === target);
    }
    // Newest first: the run whose journal was written last.
    const last = await Promise.all(
      ids.map(async (id) => ({ id, at: ((await redis.xrevrange(journalKey(id), '+', '-', 'COUNT', 1)) as [string, string[]][])[0]?.[0] })),
    );
    const byAge = last.filter((x) => x.at !== undefined).sort((a, b) => Number(b.at!.split('-')[0]) - Number(a.at!.split('-')[0]));
    const pick = byAge[0];
    if (!pick)
      throw new UsageError(
        target === undefined
          ? msg('cluster.error.noJournalAny', { url: redactRedisUrl(url) })
          : msg('cluster.error.noJournal', { target, url: redactRedisUrl(url) }),
      );
    const records = await readRedisJournal(redis, pick.id);
    if (!records.some((r) => r.t === 'run-start')) throw new UsageError(msg('cluster.error.noRunYet', { runId: pick.id }));
    return statusOfRecords(records, `${redactRedisUrl(url)} ${journalKey(pick.id)}`);
  } finally {
    redis.disconnect();
  }
}
