import { Redis } from 'ioredis';
import { ExitCodes, RunbookError } from '../core/errors.js';
import { msg } from '../i18n/index.js';

/** How long the first connection to Redis may take before serve gives up with a clear error. */
const CONNECT_TIMEOUT_MS = 10_000;

/** `redis://HOST:PORT[/DB]` with any password replaced, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(?)';
  }
}

/**
 * A connection to the cluster's Redis. Commands wait while Redis is away (no retry limit): a journal
 * write that waits holds back the call it announces, which is the safe side; the fencing script
 * decides, when Redis answers again, whether the write still counts.
 */
export async function connectRedis(url: string): Promise<Redis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RunbookError('E_CLUSTER_REDIS', msg('cluster.error.urlInvalid', { value: JSON.stringify(url) }), ExitCodes.USAGE);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new RunbookError('E_CLUSTER_REDIS', msg('cluster.error.urlScheme', { url: redactRedisUrl(url) }), ExitCodes.USAGE);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: true });
  let lastError = '';
  redis.on('error', (err: Error) => void (lastError = err.message));
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error(lastError)), CONNECT_TIMEOUT_MS).unref()),
    ]);
  } catch (err) {
    redis.disconnect();
    const said = lastError || (err instanceof Error ? err.message : String(err));
    const reason = said || msg('cluster.error.noAnswer', { seconds: CONNECT_TIMEOUT_MS / 1000 });
    throw new RunbookError('E_CLUSTER_REDIS', msg('cluster.error.unreachable', { url: redactRedisUrl(url), reason }), ExitCodes.CONFIG);
  }
  return redis;
}
