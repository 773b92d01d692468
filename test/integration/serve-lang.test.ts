import { writeFileSync } from 'node:fs';
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

interface Failure {
  status: number;
  error: string;
  message: string;
}

async function failure(url: string, init: RequestInit = {}): Promise<Failure> {
  const r = await fetch(url, init);
  const body = (await r.json()) as { error: string; message: string };
  return { status: r.status, error: body.error, message: body.message };
}

/** The first server-sent event that `ok` accepts. */
async function firstEvent(
  url: string,
  signal: AbortSignal,
  ok: (e: { event: string; data: Record<string, unknown> }) => boolean,
  headers: Record<string, string> = {},
): Promise<{ event: string; data: Record<string, unknown> }> {
  const r = await fetch(url, { signal, headers });
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the event stream ended');
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      const e = event && data ? { event, data: JSON.parse(data) as Record<string, unknown> } : undefined;
      if (e && ok(e)) return e;
    }
  }
}

const post = (lang: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...lang },
  body: '{"who":"王老师"}',
});

describe('runbook serve speaks the reader’s language', () => {
  it('the log in the CLI’s language; the API in ?lang=, else Accept-Language, else the server’s — codes and field names never change', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 4000;
    const dir = writeTerm({
      'lessons/l1.yaml': lessonYaml(1, t, 600, [
        "{ id: m1, kind: message, at: +1s, text: 'lang m1', channels: [b] }",
        "{ id: m2, kind: message, at: +5m, text: 'lang m2', channels: [b] }",
      ]),
      'lessons/bad.yaml': lessonYaml(2, t + 86_400_000, 60, ["{ id: bad, kind: message, at: +1s, text: '{{nope}}' }"]),
    });
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv({ LANG: 'zh_CN.UTF-8' }) });
    const url = await serve.url;

    // The log, in Chinese (LANG): the refused file and its diagnostic (the code as it is), the run, the outcome.
    await serve.waitFor(/lessons\/bad\.yaml：未通过校验，不予运行/);
    await serve.waitFor(/lessons\/bad\.yaml:\d+:\d+: 错误 RB3002 /);
    await serve.waitFor(/lessons\/l1\.yaml：运行中（\d+ 个动作，运行日志 [0-9a-f]+）/, 30_000);
    await serve.waitFor(/lessons\/l1\.yaml：成功 m1/, 30_000);

    // No language asked (Node's fetch sends `Accept-Language: *`): the server's, Chinese.
    const none = await failure(`${url}api/lessons/nope`);
    expect(none).toEqual({ status: 404, error: 'not-found', message: '没有课次 nope' });
    // The browser's language.
    expect(await failure(`${url}api/lessons/nope`, { headers: { 'Accept-Language': 'en-US,en;q=0.9,zh;q=0.5' } })).toEqual({
      status: 404,
      error: 'not-found',
      message: 'no lesson nope',
    });
    // ?lang= before Accept-Language.
    expect((await failure(`${url}api/lessons/nope?lang=zh-CN`, { headers: { 'Accept-Language': 'en' } })).message).toBe('没有课次 nope');
    expect((await failure(`${url}api/lessons/nope?lang=en`, { headers: { 'Accept-Language': 'zh-CN' } })).message).toBe('no lesson nope');
    // A language runbook does not have: the next choice decides.
    expect((await failure(`${url}api/lessons/nope?lang=fr`, { headers: { 'Accept-Language': 'fr-FR, en;q=0.5' } })).message).toBe('no lesson nope');

    // A control refused: the same code, the reason in the request's language.
    const { lessons } = await getJson<{ lessons: { id: string; file: string }[] }>(`${url}api/lessons`);
    const l1 = lessons.find((l) => l.file === 'lessons/l1.yaml')!;
    expect((await fetch(`${url}api/lessons/${l1.id}/pause`, post({}))).status).toBe(200);
    await serve.waitFor(/lessons\/l1\.yaml：王老师 \(127\.0\.0\.1\) 暂停了本课次/);
    expect(await failure(`${url}api/lessons/${l1.id}/pause`, post({ 'Accept-Language': 'zh-CN,zh;q=0.9' }))).toEqual({
      status: 409,
      error: 'refused',
      message: '课次已处于暂停状态',
    });
    expect(await failure(`${url}api/lessons/${l1.id}/pause?lang=en`, post({}))).toEqual({
      status: 409,
      error: 'refused',
      message: 'the lesson is already paused',
    });
    const skipDone = await failure(`${url}api/lessons/${l1.id}/actions/m1/skip`, post({ 'Accept-Language': 'zh-CN' }));
    expect(skipDone).toMatchObject({ status: 409, error: 'refused' });
    expect(skipDone.message).toBe('动作 `m1` 的状态为“成功”；控制只对尚未发送的动作有效');

    // A skipped action's note, in the request's language.
    expect((await fetch(`${url}api/lessons/${l1.id}/actions/m2/skip`, post({}))).status).toBe(200);
    const note = async (lang: string) =>
      (await getJson<{ actions: { id: string; state: string; message?: string }[] }>(`${url}api/lessons/${l1.id}?lang=${lang}`)).actions.find(
        (a) => a.id === 'm2',
      );
    expect(await note('en')).toMatchObject({ state: 'skipped', message: 'skipped by 王老师 (127.0.0.1)' });
    expect(await note('zh-CN')).toMatchObject({ state: 'skipped', message: '已由 王老师 (127.0.0.1) 跳过' });

    // The event stream, each client in the language it asked for: an edit moving the start of a
    // lesson that has begun is refused.
    const stream = new AbortController();
    const isRejected = (e: { event: string }) => e.event === 'rejected';
    const zhEvent = firstEvent(`${url}api/events?lang=zh-CN`, stream.signal, isRejected);
    const enEvent = firstEvent(`${url}api/events`, stream.signal, isRejected, { 'Accept-Language': 'en' });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(dir, 'lessons', 'l1.yaml'), lessonYaml(1, t + 60_000, 600, ["{ id: m1, kind: message, at: +1s, text: 'lang m1', channels: [b] }"]));
    const [zhRejected, enRejected] = await Promise.all([zhEvent, enEvent]);
    stream.abort();
    const diagOf = (e: { data: Record<string, unknown> }) => (e.data['diagnostics'] as { code: string; message: string }[])[0]!;
    expect(diagOf(zhRejected).code).toBe(diagOf(enRejected).code);
    expect(diagOf(zhRejected).message).toMatch(/^课次已开始（运行日志中已有调用）；开始时间不能从 \d{4}年\d+月\d+日 /);
    expect(diagOf(enRejected).message).toMatch(/^the lesson has begun \(its journal has calls\); its start cannot move from \d{4}-\d\d-\d\d /);
    await serve.waitFor(/lessons\/l1\.yaml：此次修改未通过校验；继续按上一个有效的计划运行/);

    // Diagnostics: the same fields and codes in both languages.
    const zh = await getJson<{ rejected: { file: string; diagnostics: Record<string, unknown>[] }[] }>(`${url}api/diagnostics?lang=zh-CN`);
    const en = await getJson<{ rejected: { file: string; diagnostics: Record<string, unknown>[] }[] }>(`${url}api/diagnostics?lang=en`);
    const shape = (d: typeof zh) => d.rejected.map((r) => ({ file: r.file, diagnostics: r.diagnostics.map((x) => ({ ...x, message: typeof x['message'] })) }));
    expect(shape(zh)).toEqual(shape(en));
    expect(shape(en)[0]!.diagnostics[0]).toMatchObject({ code: 'RB3002', severity: 'error', message: 'string' });

    // The timeline picture's words.
    const svg = (lang: string) => fetch(`${url}api/lessons/${l1.id}/timeline.svg?lang=${lang}`).then((r) => r.text());
    expect(await svg('zh-CN')).toMatch(/>开始<\/text>.*>结束<\/text>/s);
    expect(await svg('en')).toMatch(/>start<\/text>.*>end<\/text>/s);

    // The page: Accept-Language, a ?lang= switch that is remembered in a cookie, the cookie before Accept-Language.
    const page = async (path: string, headers: Record<string, string>) => {
      const r = await fetch(`${url}${path}`, { headers });
      return { html: await r.text(), cookie: r.headers.get('set-cookie'), vary: r.headers.get('vary') };
    };
    const zhPage = await page('', { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    expect(zhPage.html).toContain('<html lang="zh-CN">');
    expect(zhPage.html).toContain('<h2>今天 ');
    expect(zhPage.cookie).toBeNull();
    expect(zhPage.vary).toMatch(/Accept-Language/);
    const switched = await page('?lang=en', { 'Accept-Language': 'zh-CN' });
    expect(switched.html).toContain('<html lang="en">');
    expect(switched.cookie).toMatch(/^runbook-lang=en; Path=\/; Max-Age=\d+; SameSite=Strict$/);
    expect((await page('', { 'Accept-Language': 'zh-CN', Cookie: 'other=1; runbook-lang=en' })).html).toContain('<html lang="en">');
    expect((await page('', { Cookie: 'runbook-lang=xx' })).html).toContain('<html lang="zh-CN">'); // an unknown value: the server's
  }, 90_000);
});
