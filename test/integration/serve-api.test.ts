import { request } from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS } from '../../src/sandbox/credentials.js';
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
const JSON_HEADERS = { 'Content-Type': 'application/json' };

interface Detail {
  id: string;
  state: string;
  actions: { id: string; state: string; call: string; control?: { control: string; who: string } }[];
}

/** Reads server-sent events from the stream into `into` until `signal` aborts. */
async function collectEvents(
  url: string,
  into: { event: string; data: Record<string, unknown> }[],
  signal: AbortSignal,
  headers: Record<string, string> = {},
): Promise<void> {
  const r = await fetch(url, { signal, headers });
  const reader = r.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) into.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
    }
  } catch {
    /* aborted */
  }
}

function rawRequest(url: string, o: { method: string; headers: Record<string, string>; body?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method, headers: o.headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('runbook serve: the HTTP API, its events and controls', () => {
  it('lists lessons, streams live updates, and journals skip / pause / resume / send-now with time and who — only on actions not yet sent', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 5000;
    const steps = [
      "{ id: m1, kind: message, at: +1s, text: 'api m1', channels: [b] }",
      "{ id: m2, kind: message, at: +8s, text: 'api m2', channels: [b] }",
      "{ id: m3, kind: message, at: +10s, text: 'api m3', channels: [b] }",
      "{ id: m4, kind: message, at: +60s, text: 'api m4', channels: [b] }",
    ];
    const dir = writeTerm({ 'lessons/api.yaml': lessonYaml(1, t, 90, steps) });
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    const events: { event: string; data: Record<string, unknown> }[] = [];
    const stopEvents = new AbortController();
    const streaming = collectEvents(`${url}api/events`, events, stopEvents.signal);
    const list = await until(
      () => getJson<{ lessons: { id: string }[] }>(`${url}api/lessons`),
      (d) => d.lessons.length === 1,
    );
    const id = list.lessons[0]!.id;
    const lessonUrl = `${url}api/lessons/${id}`;
    const detail = await getJson<Detail>(lessonUrl);
    expect(detail.actions.map((a) => a.id)).toEqual(['welcome', 'm1', 'm2', 'm3', 'm4']);
    expect(detail.actions[1]!.call).toContain('sign=<redacted>');

    // Controls are protected: JSON only, same origin only, loopback Host only.
    const post = (path: string, body: unknown = {}) => fetch(`${lessonUrl}${path}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    expect((await fetch(`${lessonUrl}/actions/m2/skip`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' })).status).toBe(403);
    expect(
      (await fetch(`${lessonUrl}/actions/m2/skip`, { method: 'POST', headers: { ...JSON_HEADERS, Origin: 'http://evil.example' }, body: '{}' })).status,
    ).toBe(403);
    expect(
      (await fetch(`${lessonUrl}/actions/m2/skip`, { method: 'POST', headers: { ...JSON_HEADERS, 'Sec-Fetch-Site': 'cross-site' }, body: '{}' })).status,
    ).toBe(403);
    expect(await rawRequest(`${lessonUrl}/actions/m2/skip`, { method: 'POST', headers: { ...JSON_HEADERS, Host: 'evil.example' }, body: '{}' })).toBe(403);
    expect(await rawRequest(`${url}api/lessons`, { method: 'GET', headers: { Host: `rebind.example:${new URL(url).port}` } })).toBe(403);
    expect((await post('/actions/nope/skip')).status).toBe(404);

    // Skip m2 (not yet due): never sent, journaled with who.
    const skip = await post('/actions/m2/skip', { who: '王老师' });
    expect(skip.status).toBe(200);
    expect((await post('/actions/m2/skip')).status).toBe(409);
    await serve.waitFor(/done m1/, 30_000);
    // m1 is sent: controls refuse it.
    const late = await post('/actions/m1/skip');
    expect(late.status).toBe(409);
    expect(((await late.json()) as { message: string }).message).toMatch(/not yet sent/);

    // Pause before m3 is due, resume after: m3 goes out late (within its grace), once.
    expect((await post('/pause', { who: 'ops' })).status).toBe(200);
    expect((await getJson<Detail>(lessonUrl)).state).toBe('paused');
    await new Promise((r) => setTimeout(r, Math.max(0, t + 11_000 - Date.now())));
    expect(sent(sb, 'api m3')).toHaveLength(0);
    expect((await post('/resume', { who: 'ops' })).status).toBe(200);
    await serve.waitFor(/done m3/, 30_000);
    // Send m4 now instead of at +60s.
    const before = Date.now();
    expect((await post('/actions/m4/send-now', { who: 'ops' })).status).toBe(200);
    await serve.waitFor(/done m4/, 30_000);
    expect(sent(sb, 'api m4')).toHaveLength(1);
    expect(sent(sb, 'api m4')[0]!.receivedAt).toBeLessThan(t + 60_000);
    expect(sent(sb, 'api m4')[0]!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(sent(sb, 'api m2')).toHaveLength(0);
    expect(sent(sb, 'api m3')).toHaveLength(1);
    expect(sent(sb, 'api m1')).toHaveLength(1);

    // Live updates arrived as they happened.
    const final = await until(
      () => getJson<Detail>(lessonUrl),
      (d) => d.state === 'finished',
    );
    expect(final.actions.map((a) => a.state)).toEqual(['done', 'done', 'skipped', 'done', 'done']);
    expect(final.actions[2]!.control).toMatchObject({ control: 'skip', who: expect.stringContaining('王老师') });
    stopEvents.abort();
    await streaming;
    expect(events[0]!.event).toBe('hello');
    expect(
      events.some(
        (e) =>
          e.event === 'action' && (e.data['action'] as { id: string; state: string }).id === 'm1' && (e.data['action'] as { state: string }).state === 'done',
      ),
    ).toBe(true);

    expect(await serve.stop('SIGTERM')).toBe(130);
    // The journal holds every control, with time and who; `status` shows the skip.
    const journalFile = readdirSync(join(dir, 'lessons', '.runbook')).find((f) => f.endsWith('.jsonl'))!;
    const records = readFileSync(join(dir, 'lessons', '.runbook', journalFile), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: string; control?: string; who?: string; at?: number; action?: string });
    const controls = records.filter((r) => r.t === 'control');
    expect(controls.map((c) => [c.control, c.action])).toEqual([
      ['skip', 'm2'],
      ['pause', undefined],
      ['resume', undefined],
      ['send-now', 'm4'],
    ]);
    for (const c of controls) {
      expect(c.who).toMatch(/127\.0\.0\.1/);
      expect(c.at).toBeGreaterThan(t - 10_000);
    }
    const status = await runCli(['status', 'lessons/api.yaml', '--json'], { cwd: dir });
    const rows = (JSON.parse(status.stdout) as { rows: { id: string; state: string }[] }).rows;
    expect(rows.find((r) => r.id === 'm2')?.state).toBe('skipped');
    // Nothing the API or the stream said holds the app secret.
    expect(JSON.stringify(events)).not.toContain(DEMO_CREDENTIALS.appSecret);
    expect(JSON.stringify(final)).not.toContain(DEMO_CREDENTIALS.appSecret);
  }, 120_000);

  it('needs its token when one is set, and refuses a bind beyond loopback without one', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const dir = writeTerm({ 'lessons/a.yaml': lessonYaml(1, Date.now() + 3_600_000, 60), 'lessons/b.yaml': lessonYaml(2, Date.now() + 3 * 86_400_000, 60) });
    const refused = await runCli(['serve', 'lessons', '--port', '0', '--host', '0.0.0.0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/beyond loopback: set a token in RUNBOOK_SERVE_TOKEN or --token-file/);

    const token = 'a-long-enough-test-token-0123456789';
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv({ RUNBOOK_SERVE_TOKEN: token }) });
    const url = await serve.url;
    expect(serve.output()).not.toContain(token);
    expect((await fetch(`${url}api/lessons`)).status).toBe(401);
    expect((await fetch(`${url}api/lessons`, { headers: { Authorization: 'Bearer wrong-token-wrong-token-000' } })).status).toBe(401);
    const auth = { Authorization: `Bearer ${token}` };
    const ok = await getJson<{ lessons: { id: string }[] }>(`${url}api/lessons`, { headers: auth });
    expect(ok.lessons).toHaveLength(2);
    // The page's window: today's lessons, and how many more there are.
    const window = await getJson<{ lessons: { file: string }[]; more: { upcoming: number; earlier: number } }>(`${url}api/lessons?upcoming=0&earlier=0`, {
      headers: auth,
    });
    expect(window.lessons.map((l) => l.file)).toEqual(['lessons/a.yaml']);
    expect(window.more).toEqual({ upcoming: 1, earlier: 0 });
    const id = ok.lessons[0]!.id;
    expect((await fetch(`${url}api/lessons/${id}/pause`, { method: 'POST', headers: JSON_HEADERS, body: '{}' })).status).toBe(401);
    expect(
      (await fetch(`${url}api/lessons/${id}/pause`, { method: 'POST', headers: { ...JSON_HEADERS, Authorization: `Bearer ${token}` }, body: '{}' })).status,
    ).toBe(200);
    // A second server on the same port: a usage error, not a crash.
    const busy = await runCli(['serve', 'lessons', '--port', new URL(url).port, '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
    // The page itself holds no data, and no secret.
    const page = await (await fetch(url)).text();
    expect(page).not.toContain(DEMO_CREDENTIALS.appSecret);
  }, 60_000);
});
