import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, startSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { registeredCheckins, sentTexts, startNode, until, useCluster } from '../helpers/cluster-term.js';
import { getJson, lessonYaml, writeTerm } from '../helpers/serve-term.js';

/** Every key of a Redis database with its whole value, as text. */
async function dumpRedis(url: string): Promise<string> {
  const r = new Redis(url);
  try {
    const parts: string[] = [];
    for (const key of await r.keys('*')) {
      const type = await r.type(key);
      const value =
        type === 'string'
          ? await r.get(key)
          : type === 'hash'
            ? await r.hgetall(key)
            : type === 'list'
              ? await r.lrange(key, 0, -1)
              : type === 'set'
                ? await r.smembers(key)
                : type === 'zset'
                  ? await r.zrange(key, 0, -1, 'WITHSCORES')
                  : type === 'stream'
                    ? await r.xrange(key, '-', '+')
                    : type;
      parts.push(`${key} ${JSON.stringify(value)}`);
    }
    return parts.join('\n');
  } finally {
    r.disconnect();
  }
}

const cluster = useCluster({ persist: true });

interface LessonsDoc {
  lessons: { id: string; file: string; state: string; counts: Record<string, number> }[];
}

/** Lessons on the two shared channels: a welcome, two notes and a check-in each, starting `first` ms from now, `gap` apart. */
function term(n: number, first: number, gap: number): { dir: string; texts: string[]; prompts: string[] } {
  const t = Date.now() + first;
  const files: Record<string, string> = {};
  const texts: string[] = [];
  const prompts: string[] = [];
  for (let i = 1; i <= n; i += 1) {
    files[`lessons/l${i}.yaml`] = lessonYaml(i, t + (i - 1) * gap, 20, [
      `{ id: n1, kind: message, at: +1s, text: 'l${i} n1', channels: [a, b] }`,
      `{ id: n2, kind: message, at: +3s, text: 'l${i} n2', channels: [b] }`,
      // Check-ins 8 s apart across the lessons on one channel: the 5-second rule holds.
      `{ id: sign, kind: checkin, at: "+${2 + 0}s", duration: 1s, prompt: 'l${i} 签到', channels: [${i % 2 ? 'a' : 'b'}] }`,
    ]);
    texts.push(`欢迎 lesson ${i}`, `l${i} n1`, `l${i} n2`);
    prompts.push(`l${i} 签到`);
  }
  return { dir: writeTerm(files), texts, prompts };
}

describe('runbook serve --redis: three cluster.nodes, one term', () => {
  it('runs every message and check-in exactly once across the cluster.nodes, under one cluster-wide rate limit; status and every node show one journal', async () => {
    cluster.sb = await startSandbox({ channels: ['1000001', '1000002'] });
    // Lessons 4 s apart; check-ins alternate channels, so each channel's are 8 s apart.
    const { dir, texts, prompts } = term(6, 15_000, 4000);
    // As cluster.nodes behind one NAT address: one rate limit for all three, in Redis.
    cluster.nodes = [0, 1, 2].map(() => startNode(dir, cluster.sb!, cluster.redis.url, ['--cluster-rate-limit']));
    for (const n of cluster.nodes) await n.waitFor(/lesson\(s\)/);
    expect(cluster.nodes[0]!.output()).toMatch(/cluster: Redis redis:\/\/127\.0\.0\.1:\d+\/?; a lesson whose node is lost is taken over within 6s/);
    await until(
      'every message and check-in',
      () => {
        const s = sentTexts(cluster.sb!);
        const messages = texts.reduce((k, t) => k + (s.get(t) ?? 0), 0);
        return messages >= texts.length + 6 && prompts.every((p) => registeredCheckins(cluster.sb!).has(p));
      },
      90_000,
    );
    // Give a doubled send the time to show.
    await new Promise((r) => setTimeout(r, 2000));
    const s = sentTexts(cluster.sb);
    for (const t of texts) expect(s.get(t), t).toBe(t.endsWith('n1') ? 2 : 1);
    const c = registeredCheckins(cluster.sb);
    for (const p of prompts) expect(c.get(p), p).toBe(1);
    // Every call was granted by the limit in Redis: its window holds the latest grants.
    const r = new Redis(cluster.redis.url);
    try {
      expect(await r.zcard('runbook:rate-limit')).toBeGreaterThan(0);
    } finally {
      r.disconnect();
    }
    // Each lesson was taken by exactly one node.
    const taken = cluster.nodes.map((n) => (n.output().match(/: taken by this node/g) ?? []).length);
    expect(taken.reduce((a, b) => a + b, 0)).toBe(6);

    // One truth from every node: each page shows every lesson finished, from the journal in Redis.
    for (const n of cluster.nodes) {
      const url = await n.url;
      let doc: LessonsDoc | undefined;
      await until(
        'every lesson finished on every node',
        async () => {
          doc = await getJson<LessonsDoc>(`${url}api/lessons`);
          return doc.lessons.length === 6 && doc.lessons.every((l) => l.state === 'finished' && l.counts['done'] === 5);
        },
        20_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(doc)}`);
      });
    }
    const st = await runCli(['status', 'lessons/l3.yaml', '--redis', cluster.redis.url, '--json'], { cwd: dir });
    expect(st.code, st.stderr).toBe(0);
    const doc = JSON.parse(st.stdout) as { rows: { id: string; state: string }[] };
    expect(doc.rows.map((r) => `${r.id}:${r.state}`).sort()).toEqual(['n1@a:done', 'n1@b:done', 'n2:done', 'sign:done', 'welcome:done']);

    for (const n of cluster.nodes) expect(await n.stop('SIGTERM')).toBe(130);

    // The app secret is nowhere in Redis (journals, jobs, locks, the limiter) nor in any node's output.
    const dump = await dumpRedis(cluster.redis.url);
    expect(dump).toMatch(/runbook:journal:[^ ]+ .*intent/);
    expect(dump).not.toContain(DEMO_CREDENTIALS.appSecret);
    for (const n of cluster.nodes) expect(n.output()).not.toContain(DEMO_CREDENTIALS.appSecret);
  }, 150_000);

  it('refuses a cluster-wide rate limit without --redis, and an unreachable Redis, with a clear error', async () => {
    const alone = await runCli(['serve', '.', '--cluster-rate-limit']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--cluster-rate-limit needs --redis');
    const dir = writeTerm({});
    const nowhere = await runCli(['serve', '.', '--port', '0', '--sandbox', '--redis', 'redis://:hunter2@127.0.0.1:1/0'], { cwd: dir });
    expect(nowhere.code).toBe(5);
    expect(nowhere.stderr).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0/);
    expect(nowhere.stderr + nowhere.stdout).not.toContain('hunter2');
  });
});
