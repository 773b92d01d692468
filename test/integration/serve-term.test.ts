import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv } from '../helpers/engine-lesson.js';
import { getJson, lessonYaml, startServeCli, writeTerm, type ServeProcess } from '../helpers/serve-term.js';

let sb: Sandbox | undefined;
let serve: ServeProcess | undefined;
afterEach(async () => {
  if (serve && serve.child.exitCode === null) await serve.stop('SIGKILL');
  serve = undefined;
  await sb?.close();
  sb = undefined;
});

const sent = (s: Sandbox, text: string) => s.log.filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params?.['text'] === text);

interface LessonsDoc {
  lessons: { id: string; file: string; name: string; state: string; start: number; total: number; counts: Record<string, number> }[];
  templates: string[];
  rejected: unknown[];
}

describe('runbook serve: a term of lessons in one process', () => {
  it('runs each lesson at its time on shared channels, recognises the template, shares journals and locks with run, stops cleanly', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now();
    const tomorrow = t + 86_400_000;
    const dir = writeTerm({
      'lessons/l1.yaml': lessonYaml(1, t + 8000, 6, [
        "{ id: note, kind: message, at: +2s, text: 'l1 note', channels: [a, b] }",
        "{ id: sign, kind: checkin, at: +3s, duration: 2s, prompt: 'l1 签到', channels: [b] }",
      ]),
      'lessons/l2.yaml': lessonYaml(2, t + 11_000, 12, [
        "{ id: note, kind: message, at: +2s, text: 'l2 note', channels: [a] }",
        "{ id: sign, kind: checkin, at: +9s, duration: 2s, prompt: 'l2 签到', channels: [b] }",
      ]),
      'lessons/l3-tomorrow.yaml': lessonYaml(3, tomorrow, 60, ["{ id: note, kind: message, at: +10s, text: 'l3 note' }"]),
    });
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    expect(serve.output().split('\n')[0]).toMatch(/^runbook serve listening on http:\/\/127\.0\.0\.1:\d+\/$/);
    await serve.waitFor(/lesson\(s\)/);
    const doc = await getJson<LessonsDoc>(`${url}api/lessons`);
    expect(doc.lessons.map((l) => l.file)).toEqual(['lessons/l1.yaml', 'lessons/l2.yaml', 'lessons/l3-tomorrow.yaml']);
    expect(doc.templates).toEqual(['course.yaml']);
    expect(doc.rejected).toEqual([]);
    expect(doc.lessons.map((l) => l.total)).toEqual([4, 3, 3]);
    const tomorrowDetail = await getJson<Record<string, unknown>>(`${url}api/lessons/${doc.lessons[2]!.id}`);

    // The same lesson cannot be run by `run` while serve runs it: one lock.
    await serve.waitFor(/lessons\/l2\.yaml: running/);
    const rival = await runCli(['run', 'lessons/l2.yaml', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    expect(rival.code).toBe(6);

    await serve.waitFor(/l2\.yaml: done sign/, 40_000);
    await serve.waitFor(/l2\.yaml: done note/, 40_000);
    for (const [text, n, planned] of [
      ['欢迎 lesson 1', 1, t + 8000],
      ['l1 note', 2, t + 10_000],
      ['欢迎 lesson 2', 1, t + 11_000],
      ['l2 note', 1, t + 13_000],
    ] as const) {
      const s = sent(sb, text);
      expect(s, text).toHaveLength(n);
      for (const e of s) expect(e.receivedAt, text).toBeGreaterThanOrEqual(planned);
    }
    const checkins = sb.log.filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied');
    expect(checkins).toHaveLength(2);
    expect(sent(sb, 'l3 note')).toHaveLength(0);
    // The last outcome is journaled a moment before the lesson's engine run ends.
    let after = await getJson<LessonsDoc>(`${url}api/lessons`);
    for (let i = 0; i < 50 && after.lessons[1]!.state !== 'finished'; i += 1) {
      await new Promise((r) => setTimeout(r, 100));
      after = await getJson<LessonsDoc>(`${url}api/lessons`);
    }
    expect(after.lessons.map((l) => l.state)).toEqual(['finished', 'finished', 'upcoming']);
    expect(after.lessons[0]!.counts['done']).toBe(4);
    // Tomorrow's lesson, far from its time and not looked at for a while, keeps its plan packed — and
    // shows exactly the same when asked again.
    let listed = after;
    for (let i = 0; i < 100 && !(listed.lessons[2] as { packed?: boolean }).packed; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      listed = await getJson<LessonsDoc>(`${url}api/lessons`);
    }
    expect(listed.lessons[2]).toMatchObject({ packed: true, state: 'upcoming', total: 3, counts: { pending: 3 } });
    const packedDetail = await getJson<Record<string, unknown>>(`${url}api/lessons/${doc.lessons[2]!.id}`);
    expect({ ...packedDetail, now: 0, packed: undefined }).toEqual({ ...tomorrowDetail, now: 0, packed: undefined });

    expect(await serve.stop('SIGTERM')).toBe(130);
    expect(serve.output()).toContain('stopped: every journal is consistent');
    // `runbook status` reads the journal serve wrote.
    const status = await runCli(['status', 'lessons/l1.yaml', '--json'], { cwd: dir });
    expect(status.code).toBe(0);
    const st = JSON.parse(status.stdout) as { rows: { id: string; state: string }[] };
    expect(st.rows.map((r) => r.state)).toEqual(['done', 'done', 'done', 'done']);
    // Its times are in the event's zone: serve's journal records the zone as `run` does.
    const text = await runCli(['status', 'lessons/l1.yaml'], { cwd: dir });
    expect(text.stdout).toContain('Asia/Shanghai');
    // And `run` of a finished lesson resumes that journal: nothing is sent again.
    const again = await runCli(['run', 'lessons/l1.yaml', '--endpoint', sb.url, '--json'], { cwd: dir, env: demoEnv() });
    expect(again.code).toBe(0);
    expect(sent(sb, 'l1 note')).toHaveLength(2);
  }, 90_000);

  it('restarted mid-lesson, resumes from the journal: every message exactly once', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now();
    const steps = [1, 2, 3, 4].map((i) => `{ id: m${i}, kind: message, at: +${i * 2}s, text: 'r m${i}', channels: [b] }`);
    const dir = writeTerm({ 'lessons/r.yaml': lessonYaml(1, t + 4000, 12, steps) });
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    await serve.waitFor(/done m1/, 30_000);
    expect(await serve.stop('SIGTERM')).toBe(130);
    const before = [1, 2, 3, 4].map((i) => sent(sb!, `r m${i}`).length);
    expect(before[0]).toBe(1);
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    await serve.waitFor(/done m4/, 30_000);
    for (const i of [1, 2, 3, 4]) expect(sent(sb, `r m${i}`), `m${i}`).toHaveLength(1);
    expect(sent(sb, '欢迎 lesson 1')).toHaveLength(1);
    expect(await serve.stop('SIGINT')).toBe(130);
  }, 90_000);
});
