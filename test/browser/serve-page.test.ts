import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { demoEnv } from '../helpers/engine-lesson.js';
import { getJson, lessonYaml, startServeCli, writeTerm, type ServeProcess } from '../helpers/serve-term.js';

/**
 * The page in a real browser: Debian's chromium, driven by playwright-core. CI installs chromium
 * (.ci/run) and this test fails there when it is missing; elsewhere it says loudly that it did not run.
 */
function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      /* not this one */
    }
  }
  return undefined;
}
const chromiumPath = findChromium();
if (!chromiumPath && process.env['CI'] === 'true')
  throw new Error('chromium is not installed: the browser test must run in CI (.ci/run installs it with apt-get install -y chromium)');
if (!chromiumPath) console.warn('test/browser/serve-page.test.ts did NOT run: chromium is not installed (apt-get install -y chromium)');

let sb: Sandbox | undefined;
let serve: ServeProcess | undefined;
let sbZh: Sandbox | undefined;
let serveZh: ServeProcess | undefined;
let browser: Browser | undefined;
beforeAll(async () => {
  if (!chromiumPath) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});
afterAll(async () => {
  await browser?.close();
  if (serve && serve.child.exitCode === null) await serve.stop('SIGKILL');
  if (serveZh && serveZh.child.exitCode === null) await serveZh.stop('SIGKILL');
  await sb?.close();
  await sbZh?.close();
});

const sent = (s: Sandbox, text: string) => s.log.filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params?.['text'] === text);

describe.runIf(chromiumPath)('the serve page in headless Chromium', () => {
  it('lists the lessons, draws the timeline, updates live, and a skip works end to end', async () => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 6000;
    const dir = writeTerm({
      'lessons/today.yaml': lessonYaml(1, t, 20, [
        "{ id: m1, kind: message, at: +2s, text: 'page m1', channels: [a, b] }",
        "{ id: m2, kind: message, at: +14s, text: 'page m2', channels: [b] }",
        '{ id: sign, kind: checkin, at: +5s, duration: 3s, prompt: 签到, channels: [a] }',
        '{ id: chat, kind: chatExport, at: end+1m, channels: [a] }',
      ]),
      'lessons/tomorrow.yaml': lessonYaml(2, t + 86_400_000, 60),
    });
    serve = startServeCli(['lessons', '--port', '0', '--endpoint', sb.url], { cwd: dir, env: demoEnv() });
    const url = await serve.url;
    const doc = await getJson<{ lessons: { id: string; file: string }[] }>(`${url}api/lessons`);
    const today = doc.lessons.find((l) => l.file === 'lessons/today.yaml')!;
    const detail = await getJson<{ actions: unknown[] }>(`${url}api/lessons/${today.id}`);
    expect(detail.actions).toHaveLength(6); // welcome@a, m1@a, m1@b, sign, m2, chat

    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const bytes: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.match(/^\/(app\.(js|css))?$/)) void r.body().then((b) => bytes.push(b.length));
    });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
    await page.goto(url);
    // The lesson list: today's lesson under Today, tomorrow's under Upcoming.
    await page.waitForSelector('#list-today li.lesson');
    expect(await page.locator('li.lesson').count()).toBe(2);
    expect(await page.locator('#list-today li.lesson .name').textContent()).toBe('Term test · Lesson 1');
    expect(await page.locator('#list-upcoming li.lesson').count()).toBe(1);
    // The first load is small: markup, stylesheet and script.
    expect(bytes.length).toBe(3);
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(200 * 1024);

    await page.click(`li.lesson[data-id="${today.id}"] a`);
    await page.waitForSelector('#timeline svg .mark');
    expect(await page.locator('#timeline svg .mark').count()).toBe(6);
    expect(await page.locator('#timeline svg .mark-message').count()).toBe(4);
    expect(await page.locator('#timeline svg .mark-checkin').count()).toBe(1);
    expect(await page.locator('#timeline svg .mark-chatExport').count()).toBe(1);
    // Hover text: the message's text and its call, sign redacted.
    const title = await page.locator('#timeline svg .mark[data-id="m1@a"] title').textContent();
    expect(title).toContain('page m1');
    expect(title).toContain('sign=<redacted>');

    // A live update: m1 is sent, and the page shows it without a reload.
    await page.waitForSelector('#timeline svg .mark[data-id="m1@b"][data-state="done"]', { timeout: 30_000 });
    await page.waitForSelector('#actions tr[data-id="m1@b"].state-done', { timeout: 5000 });
    expect(await page.locator('#timeline svg .now').count()).toBe(1); // the lesson is on: "now" is inside the picture

    // Skip m2 from the page: journaled, shown, never sent.
    await page.click('#actions tr[data-id="m2"] button.skip');
    await page.waitForSelector('#actions tr[data-id="m2"].state-skipped', { timeout: 10_000 });
    expect(dialogs).toEqual([]); // skipping sends nothing: no confirmation needed
    await new Promise((r) => setTimeout(r, Math.max(0, t + 15_500 - Date.now())));
    expect(sent(sb, 'page m2')).toHaveLength(0);
    expect(sent(sb, 'page m1')).toHaveLength(2);
    const after = await getJson<{ actions: { id: string; state: string; control?: { control: string } }[] }>(`${url}api/lessons/${today.id}`);
    expect(after.actions.find((a) => a.id === 'm2')).toMatchObject({ state: 'skipped', control: { control: 'skip' } });

    // "Send now" asks first: the export is sent ahead of its time once confirmed.
    await page.click('#actions tr[data-id="chat"] button.send-now');
    await page.waitForSelector('#actions tr[data-id="chat"].state-done', { timeout: 30_000 });
    expect(dialogs).toHaveLength(1);
    expect(dialogs[0]).toMatch(/Send chat to the platform now/);

    // Readable on a phone: nothing wider than the screen but the picture's own scroll box.
    await page.setViewportSize({ width: 390, height: 800 });
    // A string, evaluated in the page (this file is typechecked without the DOM's types).
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);

    // An edit that does not validate: its diagnostics appear on the page, live; nothing else changes.
    writeFileSync(join(dir, 'lessons', 'tomorrow.yaml'), lessonYaml(2, t + 86_400_000, 60, ["{ id: bad, kind: message, at: +1s, text: '{{nope}}' }"]));
    await page.waitForSelector('#diagnostics:not([hidden]) li.diag', { timeout: 20_000 });
    expect(await page.locator('#diagnostics li.diag').first().textContent()).toMatch(/lessons\/tomorrow\.yaml:\d+:\d+ error RB3002/);
    expect(await page.locator('#diagnostics .rejected-file').textContent()).toContain('last good plan keeps running');
    await page.close();
  }, 120_000);

  it('speaks the browser’s language (zh-CN), switches to English and back, and remembers the choice', async () => {
    sbZh = await startSandbox({ channels: ['1000001', '1000002'] });
    const t = Date.now() + 3_600_000; // nothing is due during the test (a check-in registers 10 min ahead): nothing is sent
    const dir = writeTerm({
      'lessons/zh.yaml': lessonYaml(1, t, 600, [
        "{ id: m2, kind: message, at: +2m, text: 'zh m2', channels: [b] }",
        '{ id: sign, kind: checkin, at: +5m, duration: 30s, prompt: 签到, channels: [a] }',
      ]),
    });
    // The server's own language is English (no locale): what the page shows comes from the browser's.
    serveZh = startServeCli(['lessons', '--port', '0', '--endpoint', sbZh.url], { cwd: dir, env: demoEnv() });
    const url = await serveZh.url;
    const doc = await getJson<{ lessons: { id: string }[] }>(`${url}api/lessons`);
    const id = doc.lessons[0]!.id;

    const context = await browser!.newContext({ locale: 'zh-CN', timezoneId: 'America/New_York', viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss(); // declined: nothing is sent
    });
    await page.goto(`${url}#/lesson/${id}`);
    await page.waitForSelector('#actions tr[data-id="m2"] button.send-now');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.locator('#lessons h2').first().textContent()).toMatch(/^今天/);
    expect(await page.locator('#pause').textContent()).toBe('暂停');
    expect(await page.locator('#lesson-state').textContent()).toBe('未开始');
    expect(await page.locator('#actions thead th').first().textContent()).toBe('时间');
    expect(await page.locator('#actions tr[data-id="m2"] .badge').textContent()).toBe('待执行');
    expect(await page.locator('#actions tr[data-id="m2"] .kind').textContent()).toBe('自定义消息 · b');
    expect(await page.locator('#actions tr[data-id="sign"] .kind').textContent()).toBe('签到 · a');
    expect(await page.locator('#actions tr[data-id="m2"] button.skip').textContent()).toBe('跳过');
    expect(await page.locator('li.lesson .counts').textContent()).toBe('已完成 0/3');
    // Times in the event's zone (Shanghai, not the browser's New York), by Chinese conventions.
    const inShanghai = (ms: number, o: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat('zh-CN', { ...o, hourCycle: 'h23', timeZone: 'Asia/Shanghai' }).format(ms);
    expect(await page.locator('li.lesson .when').textContent()).toBe(inShanghai(t, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }));
    expect(await page.locator('li.lesson .when').textContent()).toMatch(/^\d+月\d+日 \d\d:\d\d$/);
    expect(await page.locator('#actions tr[data-id="m2"] td.time').textContent()).toBe(
      inShanghai(t + 120_000, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    );
    // The picture, drawn by the server in the page's language.
    await page.waitForSelector('#timeline svg .mark');
    expect(await page.locator('#timeline svg text.tick').allTextContents()).toEqual(expect.arrayContaining(['开始', '结束']));
    expect(await page.locator('#timeline svg .mark[data-id="sign"] title').textContent()).toMatch(/^sign · 签到 · 待执行\n\d+月\d+日/);

    // A control's confirmation reads in Chinese; declined, nothing happens.
    await page.click('#actions tr[data-id="m2"] button.send-now');
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toBe('现在就把 m2 发送到平台（早于计划时间）吗？');
    // A skip, shown in Chinese: its state and who did it.
    await page.click('#actions tr[data-id="m2"] button.skip');
    await page.waitForSelector('#actions tr[data-id="m2"].state-skipped');
    expect(await page.locator('#actions tr[data-id="m2"] .badge').textContent()).toBe('已跳过');
    expect(await page.locator('#actions tr[data-id="m2"] .note').textContent()).toMatch(/^已由 \S+ 跳过$/);

    // The switch: English, the same lesson still shown, the choice kept in the address bar's place.
    await page.click('#langs a[data-lang="en"]');
    await page.waitForSelector('html[lang="en"]');
    await page.waitForSelector('#actions tr[data-id="sign"] button.skip');
    expect(await page.locator('#lessons h2').first().textContent()).toMatch(/^Today/);
    expect(await page.locator('#actions tr[data-id="sign"] button.skip').textContent()).toBe('Skip');
    expect(await page.locator('#actions tr[data-id="m2"] .badge').textContent()).toBe('skipped');
    expect(await page.locator('#lesson-state').textContent()).toBe('upcoming');
    expect(await page.locator('li.lesson .when').textContent()).toMatch(/^[A-Z][a-z]{2} \d+, \d\d:\d\d$/);
    expect(page.url()).toBe(`${url}#/lesson/${id}`); // ?lang= taken out again; the lesson's route kept
    await page.waitForSelector('#timeline svg text.tick');
    expect(await page.locator('#timeline svg text.tick').allTextContents()).toEqual(expect.arrayContaining(['start', 'end']));
    await page.click('#actions tr[data-id="sign"] button.send-now');
    await expect.poll(() => dialogs.length).toBe(2);
    expect(dialogs[1]).toBe('Send sign to the platform now, ahead of its time?');

    // Remembered: a new tab of the same browser opens in English, though the browser prefers Chinese.
    const again = await context.newPage();
    await again.goto(url);
    await again.waitForSelector('html[lang="en"]');
    expect(await again.locator('#pause').textContent()).toBe('Pause');
    await again.close();

    // And back to Chinese.
    await page.click('#langs a[data-lang="zh-CN"]');
    await page.waitForSelector('html[lang="zh-CN"]');
    await page.waitForSelector('#actions tr[data-id="sign"] button.skip');
    expect(await page.locator('#actions tr[data-id="sign"] button.skip').textContent()).toBe('跳过');
    expect(await page.locator('#langs strong').textContent()).toBe('中文');
    expect(sbZh.log.filter((e) => e.endpoint === 'sendCustomMessage' && e.params?.['text'] === 'zh m2')).toHaveLength(0);
    await context.close();
  }, 120_000);
});
