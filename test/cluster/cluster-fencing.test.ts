import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { JournalMirror } from '../../src/cluster/journal-mirror.js';
import { jobLockKey, journalKey } from '../../src/cluster/keys.js';
import { defineAppendScripts, FencedError, RedisJournalWriter } from '../../src/cluster/redis-journal.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { sentByChannel, startNode, until, useCluster } from '../helpers/cluster-term.js';
import { lessonYaml, writeTerm, type ServeProcess } from '../helpers/serve-term.js';

const cluster = useCluster();

describe('fencing: a node whose lock is stale writes nothing, so sends nothing', () => {
  it('the journal append is refused unless the job lock is still the writer’s (one Lua script, real Redis)', async () => {
    const r = new Redis(cluster.redis.url, { maxRetriesPerRequest: null });
    try {
      defineAppendScripts(r);
      const mirror = new JournalMirror(r);
      const runId = 'fencetest0000001';
      // Another worker holds the job now: its token is in the lock.
      await r.set(jobLockKey(runId), 'token-of-the-new-owner', 'PX', 60_000);
      const fenced: FencedError[] = [];
      const stale = new RedisJournalWriter(r, runId, 'token-of-the-old-owner', mirror, (e) => fenced.push(e));
      await expect(stale.appendDurable([{ t: 'intent', unit: 'm1', at: 1 }])).rejects.toBeInstanceOf(FencedError);
      // Dead from then on, even for outcomes; told once.
      await expect(stale.appendLater({ t: 'outcome', unit: 'm0', at: 2, result: 'ok' })).rejects.toBeInstanceOf(FencedError);
      expect(fenced).toHaveLength(1);
      expect(await r.xlen(journalKey(runId))).toBe(0);
      expect(mirror.read(runId)).toEqual([]);

      const owner = new RedisJournalWriter(r, runId, 'token-of-the-new-owner', mirror, () => undefined);
      await owner.appendDurable([{ t: 'intent', unit: 'm1', at: 3 }]);
      expect(await r.xlen(journalKey(runId))).toBe(1);
      expect(mirror.read(runId)).toEqual([{ t: 'intent', unit: 'm1', at: 3 }]);

      // A lock that expired (its node cut off past the lock's duration) fences as well.
      await r.del(jobLockKey(runId));
      await expect(owner.appendDurable([{ t: 'intent', unit: 'm2', at: 4 }])).rejects.toBeInstanceOf(FencedError);
      expect(await r.xlen(journalKey(runId))).toBe(1);
    } finally {
      r.disconnect();
    }
  });

  it('a node frozen past its lock, then woken, sends nothing of the lesson another node took over', async () => {
    cluster.sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t0 = Date.now() + 12_000;
    const dir = writeTerm({
      'lessons/s.yaml': lessonYaml(1, t0, 30, [
        "{ id: m1, kind: message, at: +1s, text: 'm1', channels: [a] }",
        "{ id: m2, kind: message, at: +9s, text: 'm2', channels: [a] }",
        "{ id: m3, kind: message, at: +13s, text: 'm3', channels: [a] }",
        "{ id: m4, kind: message, at: +15s, text: 'm4', channels: [b] }",
      ]),
    });
    cluster.nodes = [0, 1].map(() => startNode(dir, cluster.sb!, cluster.redis.url));
    for (const n of cluster.nodes) await n.waitFor(/lesson\(s\)/);
    let owner: ServeProcess | undefined;
    await until('a node takes the lesson', () => (owner = cluster.nodes.find((n) => /lessons\/s\.yaml: taken by this node/.test(n.output()))) !== undefined);
    const other = cluster.nodes.find((n) => n !== owner)!;
    await until('m1 sent', () => sentByChannel(cluster.sb!).has('1000001 m1'), 30_000);

    // Frozen (a long GC pause, a VM stalled, a partition): its lock runs out and the other node takes over.
    owner!.child.kill('SIGSTOP');
    await other.waitFor(/lessons\/s\.yaml: taken by this node/, 20_000);
    await until('m2 sent by the new owner', () => sentByChannel(cluster.sb!).has('1000001 m2'), 20_000);
    // Woken with m2 overdue and m3 ahead, it still believes it holds the lesson: its writes are refused.
    owner!.child.kill('SIGCONT');
    await owner!.waitFor(/lessons\/s\.yaml: this node lost the lesson's lock; it sends nothing more for it/, 20_000);
    await until('m4 sent', () => sentByChannel(cluster.sb!).has('1000002 m4'), 30_000);
    await new Promise((r) => setTimeout(r, 1000));

    const sent = sentByChannel(cluster.sb);
    for (const k of ['1000001 欢迎 lesson 1', '1000001 m1', '1000001 m2', '1000001 m3', '1000002 m4']) expect(sent.get(k), k).toBe(1);
    expect(owner!.output()).not.toMatch(/done m[234]/);
    expect(other.output()).toMatch(/done m2/);
    expect(other.output()).toMatch(/done m3/);
  }, 120_000);
});
