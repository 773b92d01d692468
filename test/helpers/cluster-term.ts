import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { demoEnv } from './engine-lesson.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startServeCli, type ServeProcess } from './serve-term.js';

/** What a cluster test file shares: one Redis for the file; the sandbox and nodes a test starts. */
export interface ClusterFixture {
  readonly redis: RedisServer;
  sb: Sandbox | undefined;
  nodes: ServeProcess[];
}

/**
 * Registers the hooks every cluster test file needs: a real Redis started once for the file
 * (`persist` for tests whose journal must outlive a Redis restart, as a production Redis's does),
 * and, after each test, every node still running killed and the sandbox closed.
 */
export function useCluster(opts: { persist?: boolean } = {}): ClusterFixture {
  let redis: RedisServer | undefined;
  const fixture = {
    get redis(): RedisServer {
      if (!redis) throw new Error('Redis is not started yet (use the fixture inside a test)');
      return redis;
    },
    sb: undefined as Sandbox | undefined,
    nodes: [] as ServeProcess[],
  };
  beforeAll(async () => {
    redis = await startRedisServer(opts.persist ? { persist: true } : {});
  });
  afterAll(async () => {
    await redis?.close();
  });
  afterEach(async () => {
    // A node a test froze (SIGSTOP) is woken first, so that it can be stopped.
    for (const n of fixture.nodes) if (n.child.exitCode === null) n.child.kill('SIGCONT');
    await Promise.all(fixture.nodes.map((n) => (n.child.exitCode === null ? n.stop('SIGKILL') : undefined)));
    fixture.nodes = [];
    await fixture.sb?.close();
    fixture.sb = undefined;
  });
  return fixture;
}

/** A serve node of a cluster: the real CLI against one sandbox and one Redis. */
export function startNode(dir: string, sandbox: Sandbox, redisUrl: string, extra: readonly string[] = []): ServeProcess {
  return startServeCli(['lessons', '--port', '0', '--endpoint', sandbox.url, '--redis', redisUrl, '--lock-duration', '4s', ...extra], {
    cwd: dir,
    env: demoEnv(),
  });
}

/** The sandbox's applied sends of one text (a message that arrived, as the platform would show it). */
export function sentTexts(s: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of s.log)
    if (e.endpoint === 'sendCustomMessage' && e.effect === 'applied') {
      const text = String(e.params?.['text']);
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
  return counts;
}

/** Each check-in the sandbox registered, by its prompt, and how many times. */
export function registeredCheckins(s: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of s.log)
    if (e.endpoint === 'batchCheckin' && e.effect === 'applied')
      for (const item of (e.params?.['items'] as { message?: string }[] | undefined) ?? []) {
        const key = String(item.message);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
  return counts;
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The sandbox's applied sends by `channelId text`, and how many times each. */
export function sentByChannel(s: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of s.log)
    if (e.endpoint === 'sendCustomMessage' && e.effect === 'applied') {
      const key = `${String(e.params?.['channelId'])} ${String(e.params?.['text'])}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

/** The instant (ms) of the first line of `output` matching `re`, from its ISO timestamp prefix. */
export function loggedAt(output: string, re: RegExp): number | undefined {
  const line = output.split('\n').find((l) => re.test(l));
  const m = line ? /^(\d{4}-\d\d-\d\dT[\d:.]+Z) /.exec(line) : null;
  return m ? Date.parse(m[1]!) : undefined;
}
