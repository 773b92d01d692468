import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { sentByChannel, startNode, until, useCluster } from '../helpers/cluster-term.js';
import { getJson, lessonYaml, writeTerm, type ServeProcess } from '../helpers/serve-term.js';

const cluster = useCluster();

const JSON_HEADERS = { 'Content-Type': 'application/json' };

interface LessonsDoc {
  lessons: { id: string; file: string; state: string }[];
}
interface Detail {
  actions: { id: string; state: string; message?: string; control?: { control: string; who: string } }[];
}

describe('runbook serve --redis: controls from any node', () => {
  it('reach the node that runs the lesson, and a lesson no node holds yet; every node shows them', async () => {
    cluster.sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t0 = Date.now() + 14_000;
    const dir = writeTerm({
      'lessons/c.yaml': lessonYaml(1, t0, 40, [
        "{ id: m1, kind: message, at: +2s, text: 'm1', channels: [a] }",
        "{ id: m2, kind: message, at: +8s, text: 'm2', channels: [a] }",
        "{ id: m3, kind: message, at: +10s, text: 'm3', channels: [b] }",
      ]),
      // Tomorrow's lesson: its job waits in Redis, no node holds it.
      'lessons/later.yaml': lessonYaml(2, Date.now() + 86_400_000, 40, ["{ id: m1, kind: message, at: +2s, text: 'later m1', channels: [a] }"]),
    });
    cluster.nodes = [0, 1].map(() => startNode(dir, cluster.sb!, cluster.redis.url));
    for (const n of cluster.nodes) await n.waitFor(/lesson\(s\)/);
    let owner: ServeProcess | undefined;
    await until('a node takes the lesson', () => (owner = cluster.nodes.find((n) => /lessons\/c\.yaml: taken by this node/.test(n.output()))) !== undefined);
    const other = cluster.nodes.find((n) => n !== owner)!;
    const otherUrl = await other.url;
    const ownerUrl = await owner!.url;
    const ids = Object.fromEntries((await getJson<LessonsDoc>(`${otherUrl}api/lessons`)).lessons.map((l) => [l.file, l.id]));
    const post = (base: string, lesson: string, path: string) =>
      fetch(`${base}api/lessons/${ids[lesson]}${path}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ who: '王老师' }) });

    // Asked of the node that does not run it: forwarded, applied and journaled by the one that does.
    const skip = await post(otherUrl, 'lessons/c.yaml', '/actions/m2/skip');
    expect(skip.status, await skip.clone().text()).toBe(200);
    expect(((await skip.json()) as { record: { control: string; action: string; who: string } }).record).toMatchObject({
      control: 'skip',
      action: 'm2',
      who: '王老师 (127.0.0.1)',
    });
    expect(owner!.output()).toMatch(/lessons\/c\.yaml: skip m2 by 王老师/);
    // A second skip of it is refused by the owner, and the refusal comes back.
    expect((await post(otherUrl, 'lessons/c.yaml', '/actions/m2/skip')).status).toBe(409);

    // A lesson no node holds: controlled where asked; the node that takes it will read it first.
    const skipLater = await post(otherUrl, 'lessons/later.yaml', '/actions/m1/skip');
    expect(skipLater.status, await skipLater.clone().text()).toBe(200);
    await until('the owner shows the skip of the lesson nobody holds', async () => {
      const d = await getJson<Detail>(`${ownerUrl}api/lessons/${ids['lessons/later.yaml']}`);
      return d.actions.find((a) => a.id === 'm1')?.state === 'skipped';
    });

    await until('m3 sent', () => sentByChannel(cluster.sb!).has('1000002 m3'), 40_000);
    await new Promise((r) => setTimeout(r, 1000));
    const sent = sentByChannel(cluster.sb);
    expect(sent.get('1000001 m1')).toBe(1);
    expect(sent.has('1000001 m2')).toBe(false);
    expect(sent.get('1000002 m3')).toBe(1);

    // Every node and `status` show the same: skipped by who.
    for (const base of [otherUrl, ownerUrl]) {
      await until('the skip shown on every node', async () => {
        const d = await getJson<Detail>(`${base}api/lessons/${ids['lessons/c.yaml']}`);
        const m2 = d.actions.find((a) => a.id === 'm2');
        return m2?.state === 'skipped' && m2.control?.who === '王老师 (127.0.0.1)' && d.actions.find((a) => a.id === 'm3')?.state === 'done';
      });
    }
    const st = await runCli(['status', 'lessons/c.yaml', '--redis', cluster.redis.url, '--json'], { cwd: dir });
    const rows = (JSON.parse(st.stdout) as { rows: { id: string; state: string; message?: string }[] }).rows;
    expect(rows.find((r) => r.id === 'm2')).toMatchObject({ state: 'skipped', message: 'skipped by 王老师 (127.0.0.1)' });
  }, 120_000);
});
