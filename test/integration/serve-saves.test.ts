import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
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

/** Polls `probe` until it returns true; fails naming `what` after `ms`. */
async function until(what: string, probe: () => Promise<boolean>, ms: number, out: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not within ${ms} ms: ${what}\n${out()}`);
}

function journalRecords(dir: string): Record<string, unknown>[] {
  const state = join(dir, 'lessons', '.runbook');
  const file = readdirSync(state).find((f) => f.endsWith('.jsonl'))!;
  return readFileSync(join(state, file), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
const count = (records: Record<string, unknown>[], t: string): number => records.filter((r) => r['t'] === t).length;

describe('runbook serve: every way of saving a file is noticed', () => {
  it('sed -i, truncate+write, rename-over, and a fix after a broken sed -i are each applied within seconds', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 12 * 60_000;
    const step = (text: string) => `{ id: g1, kind: message, at: +1m, text: "${text}", channels: [a] }`;
    const dir = writeTerm({ 'lessons/g.yaml': lessonYaml(1, t, 600, [step('版本三')]) });
    const file = join(dir, 'lessons', 'g.yaml');
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    await serve.waitFor(/lesson\(s\)/);
    const id = (await getJson<{ lessons: { id: string }[] }>(`${url}api/lessons`)).lessons[0]!.id;
    const shows = (text: string) => async () =>
      (await getJson<{ actions: { id: string; text?: string }[] }>(`${url}api/lessons/${id}`)).actions.find((a) => a.id === 'g1')?.text === text;
    const rejected = async () => (await getJson<{ rejected: unknown[] }>(`${url}api/diagnostics`)).rejected.length === 1;
    const out = () => serve!.output();
    // Each save must be seen well before a minute-scale delay; the bound is generous for a loaded machine.
    const SOON = 12_000;

    execFileSync('sed', ['-i', 's/版本三/版本四/', file]); // rename-over, by sed
    await until('sed -i shown', shows('版本四'), SOON, out);
    writeFileSync(file, readFileSync(file, 'utf8').replace('版本四', '版本五')); // truncate + write, as `cat >` does
    await until('truncate+write shown', shows('版本五'), SOON, out);
    writeFileSync(join(dir, 'lessons', '.g.yaml.swp'), readFileSync(file, 'utf8').replace('版本五', '版本六'));
    renameSync(join(dir, 'lessons', '.g.yaml.swp'), file); // an editor's save: a temporary file renamed over
    await until('rename-over shown', shows('版本六'), SOON, out);
    execFileSync('sed', ['-i', 's/版本六/{{nope}}/', file]);
    await until('broken edit reported', rejected, SOON, out);
    expect(await shows('版本六')()).toBe(true);
    execFileSync('sed', ['-i', 's/{{nope}}/版本七/', file]);
    await until('the fix after a broken sed -i shown', shows('版本七'), SOON, out);
    expect(await rejected()).toBe(false);
  }, 120_000);
});

describe('runbook serve: a running lesson is restarted only by a change to it', () => {
  it('a file change that changes no step, and files that are not playbooks, leave the engine run alone; one skip restarts it once, a refused one not at all', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 3000;
    const steps = [
      "{ id: m1, kind: message, at: +1s, text: 'noop m1', channels: [b] }",
      "{ id: m2, kind: message, at: +20s, text: 'noop m2', channels: [b] }",
      "{ id: m3, kind: message, at: +25s, text: 'noop m3', channels: [b] }",
    ];
    const dir = writeTerm({ 'lessons/n.yaml': lessonYaml(1, t, 120, steps) });
    const file = join(dir, 'lessons', 'n.yaml');
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    await serve.waitFor(/done m1/, 30_000);
    expect(count(journalRecords(dir), 'run-start')).toBe(1);

    appendFileSync(file, '# a comment: the lesson is the same\n');
    await serve.waitFor(/n\.yaml: file changed, no step of the lesson did/, 15_000);
    // An export's temporary files and a partial download written into the watched folder.
    mkdirSync(join(dir, 'lessons', 'out'));
    writeFileSync(join(dir, 'lessons', 'out', '.chat.csv.0a1b2c.tmp'), 'x');
    writeFileSync(join(dir, 'lessons', 'history.jsonl.partial'), 'x');
    await new Promise((r) => setTimeout(r, 1500));
    let records = journalRecords(dir);
    expect(count(records, 'run-start')).toBe(1);
    expect(count(records, 'run-stop')).toBe(0);
    expect(count(records, 'edit')).toBe(0);

    const id = (await getJson<{ lessons: { id: string }[] }>(`${url}api/lessons`)).lessons[0]!.id;
    const r = await fetch(`${url}api/lessons/${id}/actions/m2/skip`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"who":"tester"}',
    });
    expect(r.status).toBe(200);
    // The same click again (a second tab, a double click): refused, and the run is not touched.
    const again = await fetch(`${url}api/lessons/${id}/actions/m2/skip`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"who":"tester"}',
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/already skipped/);
    await new Promise((res) => setTimeout(res, 1500));
    records = journalRecords(dir);
    expect(count(records, 'control')).toBe(1);
    expect(count(records, 'run-start')).toBe(2);
    expect(count(records, 'run-stop')).toBe(1);
    expect(
      serve
        .output()
        .split('\n')
        .filter((l) => /n\.yaml: running/.test(l)),
    ).toHaveLength(2);
    await serve.waitFor(/done m3/, 40_000);
    expect(sb.log.filter((e) => e.endpoint === 'sendCustomMessage' && e.params?.['text'] === 'noop m2')).toHaveLength(0);
  }, 120_000);
});

describe('runbook serve: what an edit changed is journaled whole', () => {
  it('a step both moved and rewritten is journaled as moved and changed; a step inserted above changes no other', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 10 * 60_000;
    const dir = writeTerm({
      'lessons/e.yaml': lessonYaml(1, t, 600, [
        "{ id: e3, kind: message, at: +1m, text: 'old', channels: [a] }",
        "{ id: e4, kind: message, at: +3m, text: 'same', channels: [a] }",
      ]),
    });
    const file = join(dir, 'lessons', 'e.yaml');
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    await serve.url;
    await serve.waitFor(/lesson\(s\)/);
    execFileSync('sed', ['-i', "s/at: +1m, text: 'old'/at: +2m, text: 'new'/", file]);
    await serve.waitFor(/e\.yaml: edit applied/, 15_000);
    // A step inserted above the others shifts their place in the author's order, and changes none of them.
    execFileSync('sed', ['-i', "/^steps:/a\\  - { id: e0, kind: message, at: +30s, text: 'first', channels: [a] }", file]);
    await serve.waitFor(/e\.yaml: edit applied \(\+1/, 15_000);
    expect(await serve.stop('SIGTERM')).toBe(130);
    const edits = journalRecords(dir).filter((r) => r['t'] === 'edit');
    expect(edits).toHaveLength(2);
    expect(edits[0]).toMatchObject({ added: [], removed: [], moved: ['e3'], changed: ['e3'] });
    expect(edits[1]).toMatchObject({ added: ['e0'], removed: [], moved: [], changed: [] });
  }, 60_000);
});

describe('runbook serve: a check-in collision across files refuses one lesson', () => {
  it('at load, only the later-starting lesson is refused, even when its check-ins collide both ways; the other is served', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 3_600_000;
    const ci = (id: string, at: number) => `{ id: ${id}, kind: checkin, at: +${at}s, duration: 30s, prompt: 签到, channels: [b] }`;
    // a starts first; its cA2 starts after b's cB2 (a collision whose later check-in is a's).
    const dir = writeTerm({
      'lessons/a.yaml': lessonYaml(1, t, 600, [ci('cA1', 60), ci('cA2', 300)]),
      'lessons/b.yaml': lessonYaml(2, t + 30_000, 600, [ci('cB1', 40), ci('cB2', 260)]),
    });
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    await serve.waitFor(/lesson\(s\)/);
    const lessons = await getJson<{ lessons: { file: string }[] }>(`${url}api/lessons`);
    expect(lessons.lessons.map((l) => l.file)).toEqual(['lessons/a.yaml']);
    const diags = await getJson<{ rejected: { file: string; diagnostics: { code: string; message: string }[] }[] }>(`${url}api/diagnostics`);
    expect(diags.rejected.map((r) => r.file)).toEqual(['lessons/b.yaml']);
    const message = diags.rejected[0]!.diagnostics.map((d) => d.message).join('\n');
    expect(message).toMatch(/lessons\/a\.yaml/);
    expect(message).toMatch(/lessons\/b\.yaml/);
    expect(message).toMatch(/cA\d/);
    expect(message).toMatch(/cB\d/);

    // Fixed, b joins; then an edit of a that collides with b refuses a's change only (a keeps its last good plan).
    writeFileSync(join(dir, 'lessons', 'b.yaml'), lessonYaml(2, t + 30_000, 600, [ci('cB1', 200), ci('cB2', 400)]));
    await serve.waitFor(/b\.yaml: added to the term/, 15_000);
    expect((await getJson<{ rejected: unknown[] }>(`${url}api/diagnostics`)).rejected).toEqual([]);
    writeFileSync(join(dir, 'lessons', 'a.yaml'), lessonYaml(1, t, 600, [ci('cA1', 230), ci('cA2', 300)]));
    await serve.waitFor(/a\.yaml: the change does not validate; its last good plan keeps running/, 15_000);
    const after = await getJson<{ rejected: { file: string; kept: boolean }[] }>(`${url}api/diagnostics`);
    expect(after.rejected).toEqual([expect.objectContaining({ file: 'lessons/a.yaml', kept: true })]);
    expect((await getJson<{ lessons: { file: string }[] }>(`${url}api/lessons`)).lessons.map((l) => l.file)).toEqual(['lessons/a.yaml', 'lessons/b.yaml']);
  }, 60_000);
});
