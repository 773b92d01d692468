import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('runbook serve: edits while serving', () => {
  it('a broken edit changes nothing; a valid one is applied as a diff, journaled with its hash; a registered check-in is not changed', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 4000;
    const m = (id: string, at: number) => `{ id: ${id}, kind: message, at: +${at}s, text: 'edit ${id}', channels: [b] }`;
    const checkin = (at: number) => `{ id: c1, kind: checkin, at: +${at}s, duration: 5s, prompt: 签到, channels: [a] }`;
    const dir = writeTerm({ 'lessons/e.yaml': lessonYaml(1, t, 60, [m('mA', 1), m('mB', 14), m('mC', 30), checkin(45)]) });
    const file = join(dir, 'lessons', 'e.yaml');
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    await serve.waitFor(/done c1/, 30_000); // registered at once: its start is less than 10 minutes ahead
    await serve.waitFor(/done mA/, 30_000);

    // 1. An edit that does not validate: the last good plan keeps running; diagnostics in log and API.
    writeFileSync(file, lessonYaml(1, t, 60, [m('mA', 1), m('mB', 14), "{ id: mC, kind: message, at: +30s, text: '{{nope}}', channels: [b] }", checkin(45)]));
    await serve.waitFor(/e\.yaml: the change does not validate; its last good plan keeps running/, 20_000);
    await serve.waitFor(/RB3002/, 5000);
    const diags = await getJson<{ rejected: { file: string; kept: boolean; diagnostics: { code: string; line: number }[] }[] }>(`${url}api/diagnostics`);
    expect(diags.rejected).toHaveLength(1);
    expect(diags.rejected[0]).toMatchObject({ file: 'lessons/e.yaml', kept: true });
    expect(diags.rejected[0]!.diagnostics[0]!.code).toBe('RB3002');

    // 2. A valid edit: mB removed, mC moved from +30s to +18s, mD added, c1 moved (refused: registered).
    const good = lessonYaml(1, t, 60, [m('mA', 1), m('mC', 18), m('mD', 20), checkin(50)]);
    writeFileSync(file, good);
    await serve.waitFor(/e\.yaml: edit applied/, 20_000);
    expect((await getJson<{ rejected: unknown[] }>(`${url}api/diagnostics`)).rejected).toEqual([]);
    await serve.waitFor(/done mD/, 40_000);
    expect(sent(sb, 'edit mA')).toHaveLength(1);
    expect(sent(sb, 'edit mB')).toHaveLength(0);
    expect(sent(sb, 'edit mC')).toHaveLength(1);
    expect(sent(sb, 'edit mC')[0]!.receivedAt).toBeGreaterThanOrEqual(t + 18_000);
    expect(sent(sb, 'edit mC')[0]!.receivedAt).toBeLessThan(t + 30_000);
    expect(sent(sb, 'edit mD')).toHaveLength(1);
    expect(sb.log.filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied')).toHaveLength(1);
    const lessons = await getJson<{ lessons: { id: string }[] }>(`${url}api/lessons`);
    const detail = await getJson<{ actions: { id: string; refused?: string; startsAt?: number }[] }>(`${url}api/lessons/${lessons.lessons[0]!.id}`);
    const c1 = detail.actions.find((a) => a.id === 'c1')!;
    expect(c1.refused).toMatch(/already registered on the platform/);
    expect(c1.startsAt).toBe(t + 45_000);
    // The same refusal in the reader's language (the journal keeps the English).
    const zh = await getJson<{ actions: { id: string; refused?: string }[]; refused: { id: string; reason: string }[] }>(
      `${url}api/lessons/${lessons.lessons[0]!.id}?lang=zh-CN`,
    );
    expect(zh.actions.find((a) => a.id === 'c1')!.refused).toMatch(/^已在平台上登记为 .+ 开始；平台没有修改签到的接口/);
    expect(zh.refused.find((r) => r.id === 'c1')!.reason).toMatch(/^已在平台上登记为/);
    expect(await serve.stop('SIGTERM')).toBe(130);

    const state = join(dir, 'lessons', '.runbook');
    const journal = readFileSync(
      join(
        state,
        readdirSync(state).find((f) => f.endsWith('.jsonl'))!,
      ),
      'utf8',
    );
    const edits = journal
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r['t'] === 'edit');
    expect(edits).toHaveLength(1);
    const sha = createHash('sha256').update(good).digest('hex');
    expect(edits[0]).toMatchObject({
      added: ['mD'],
      removed: ['mB'],
      moved: expect.arrayContaining(['mC', 'c1']),
      files: expect.arrayContaining([{ file: 'lessons/e.yaml', sha256: sha }]),
    });
    expect((edits[0]!['refused'] as { id: string }[]).map((r) => r.id)).toEqual(['c1']);
  }, 120_000);

  it('a template change applies to every lesson that extends it, or to none when it breaks one; a new file joins the term', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 3_600_000;
    const dir = writeTerm({
      'lessons/a.yaml': lessonYaml(1, t, 60).replace('vars: { lesson: 1 }', 'vars: { lesson: 1, room: A }'),
      'lessons/b.yaml': lessonYaml(2, t + 120_000, 60),
    });
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    await serve.waitFor(/lesson\(s\)/);
    const welcome = async (): Promise<string[]> => {
      const doc = await getJson<{ lessons: { id: string }[] }>(`${url}api/lessons`);
      const texts: string[] = [];
      for (const l of doc.lessons)
        texts.push(
          ...(await getJson<{ actions: { id: string; text?: string }[] }>(`${url}api/lessons/${l.id}`)).actions
            .filter((a) => a.id === 'welcome')
            .map((a) => a.text ?? ''),
        );
      return texts;
    };
    expect(await welcome()).toEqual(['欢迎 lesson 1', '欢迎 lesson 2']);
    const template = join(dir, 'course.yaml');
    const original = readFileSync(template, 'utf8');
    // A required param that only lesson 1 gives breaks lesson 2: neither lesson changes.
    writeFileSync(
      template,
      original
        .replace('params:\n', 'params:\n  room: { type: string, required: true }\n')
        .replace('"欢迎 lesson {{lesson}}"', '"hello {{lesson}} in {{room}}"'),
    );
    await serve.waitFor(/b\.yaml: the change does not validate/, 20_000);
    await serve.waitFor(/a\.yaml: the change does not validate/, 5000);
    await serve.waitFor(/RB3003/, 5000);
    await serve.waitFor(/the change to course\.yaml does not validate for lessons\/b\.yaml/, 5000);
    expect(await welcome()).toEqual(['欢迎 lesson 1', '欢迎 lesson 2']);
    writeFileSync(template, original.replace('"欢迎 lesson {{lesson}}"', '"hello {{lesson}}"'));
    await serve.waitFor(/b\.yaml: edit applied/, 20_000);
    await serve.waitFor(/a\.yaml: edit applied/, 20_000);
    expect(await welcome()).toEqual(['hello 1', 'hello 2']);
    writeFileSync(join(dir, 'lessons', 'c.yaml'), lessonYaml(3, t + 240_000, 60));
    await serve.waitFor(/c\.yaml: added to the term/, 20_000);
    expect(await welcome()).toEqual(['hello 1', 'hello 2', 'hello 3']);
    expect(sb.log.filter((e) => e.endpoint === 'sendCustomMessage')).toHaveLength(0);
  }, 60_000);

  it('while a `runbook run` holds the lesson, serve shows it locked and journals no edit of its own', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 25_000;
    const dir = writeTerm({ 'lessons/r.yaml': lessonYaml(1, t, 10, ["{ id: m1, kind: message, at: +1s, text: 'held m1', channels: [b] }"]) });
    let runChild: ChildProcess | undefined;
    const run = runCli(['run', 'lessons/r.yaml', '--endpoint', sb.url], {
      cwd: dir,
      env: demoEnv(),
      timeoutMs: 90_000,
      onStdout: (_c, child) => (runChild = child),
    });
    for (let i = 0; i < 100 && !existsSync(join(dir, 'lessons', '.runbook')); i += 1) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    await serve.waitFor(/r\.yaml: not started, another process runs it/, 20_000);
    const doc = await getJson<{ lessons: { state: string; lockedBy?: { pid: number } }[] }>(`${url}api/lessons`);
    expect(doc.lessons[0]).toMatchObject({ state: 'locked' });
    writeFileSync(join(dir, 'lessons', 'r.yaml'), lessonYaml(1, t, 10, ["{ id: m1, kind: message, at: +2s, text: 'held m1', channels: [b] }"]));
    await serve.waitFor(/r\.yaml: edit seen, not journaled: the lesson is being run by another process/, 20_000);
    runChild?.kill('SIGINT');
    expect((await run).code).toBe(130);
    const state = join(dir, 'lessons', '.runbook');
    const journal = readFileSync(
      join(
        state,
        readdirSync(state).find((f) => f.endsWith('.jsonl'))!,
      ),
      'utf8',
    );
    expect(journal).not.toContain('"t":"edit"');
    expect(sent(sb, 'held m1')).toHaveLength(0);
  }, 90_000);
});
