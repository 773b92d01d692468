import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { sentByChannel, startNode, until, useCluster } from '../helpers/cluster-term.js';
import { lessonYaml, writeTerm } from '../helpers/serve-term.js';

// Persisted as a production Redis must be (appendfsync always): the journal outlives the outage.
const cluster = useCluster({ persist: true });

interface StatusDoc {
  rows: { id: string; state: string; message?: string }[];
}

describe('runbook serve --redis: Redis away for 10 s mid-lesson', () => {
  it('sends nothing without the lock meanwhile; what fell due follows its missed policy; the run goes on when Redis is back', async () => {
    cluster.sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t0 = Date.now() + 12_000;
    const dir = writeTerm({
      'lessons/o.yaml': lessonYaml(1, t0, 40, [
        "{ id: before, kind: message, at: +1s, text: 'before', channels: [a] }",
        "{ id: strict, kind: message, at: +5s, text: 'strict', channels: [a], policy: { missed: skip } }",
        "{ id: lenient, kind: message, at: +6s, text: 'lenient', channels: [b], policy: { missed: grace, graceSeconds: 120 } }",
        "{ id: later, kind: message, at: +24s, text: 'later', channels: [a] }",
      ]),
    });
    cluster.nodes = [0, 1].map(() => startNode(dir, cluster.sb!, cluster.redis.url));
    for (const n of cluster.nodes) await n.waitFor(/lesson\(s\)/);
    await until('before sent', () => sentByChannel(cluster.sb!).has('1000001 before'), 30_000);

    await until('two seconds in', () => Date.now() >= t0 + 2000, 10_000);
    await cluster.redis.kill();
    const downAt = Date.now();
    await until('ten seconds of outage', () => Date.now() >= downAt + 10_000, 15_000);
    // Nothing was sent while Redis was away: no intent could be written, so no call was made.
    expect(sentByChannel(cluster.sb).has('1000001 strict')).toBe(false);
    expect(sentByChannel(cluster.sb).has('1000002 lenient')).toBe(false);
    await cluster.redis.restart();

    await until('lenient sent late, after Redis came back', () => sentByChannel(cluster.sb!).has('1000002 lenient'), 30_000);
    await until('later sent', () => sentByChannel(cluster.sb!).has('1000001 later'), 30_000);
    await new Promise((r) => setTimeout(r, 1000));

    const sent = sentByChannel(cluster.sb);
    for (const k of ['1000001 欢迎 lesson 1', '1000001 before', '1000002 lenient', '1000001 later']) expect(sent.get(k), k).toBe(1);
    expect(sent.has('1000001 strict')).toBe(false);
    const lenient = cluster.sb.log.find((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params?.['text'] === 'lenient')!;
    expect(lenient.receivedAt).toBeGreaterThanOrEqual(downAt + 10_000);
    const later = cluster.sb.log.find((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params?.['text'] === 'later')!;
    expect(later.receivedAt).toBeGreaterThanOrEqual(t0 + 24_000);

    const st = await runCli(['status', 'lessons/o.yaml', '--redis', cluster.redis.url, '--json'], { cwd: dir });
    expect(st.code, st.stderr).toBe(0);
    const rows = (JSON.parse(st.stdout) as StatusDoc).rows;
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId['strict']).toMatchObject({ state: 'skipped', message: expect.stringMatching(/policy missed: skip/) as unknown });
    expect(Object.fromEntries(rows.map((r) => [r.id, r.state]))).toMatchObject({ welcome: 'done', before: 'done', lenient: 'done', later: 'done' });
  }, 120_000);
});
