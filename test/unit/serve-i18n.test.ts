import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogText, formatMessage, LANGUAGES, type MessageKey } from '../../src/i18n/index.js';
import { PAGE_MESSAGE_KEYS, pageHtml, pageMessages } from '../../src/serve/page/page-html.js';
import { planTimelineHtml } from '../../src/serve/plan-html.js';
import { planFiles } from '../../src/serve/term-plan.js';
import { timelineSvg, type TimelineModel } from '../../src/serve/timeline-svg.js';

/** The page script's `t`: its `{name}` substitution, as written in page-script.ts. */
function fill(text: string, params: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (all, name: string) => params[name] ?? all);
}

const embedded = (html: string): { lang: string; messages: Record<string, string> } =>
  JSON.parse(/<script id="i18n" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!) as { lang: string; messages: Record<string, string> };

describe("the serve page's messages", () => {
  it('are plain {name} messages in every language: the script fills them in as the catalog formats them', () => {
    expect(PAGE_MESSAGE_KEYS.length).toBeGreaterThan(40);
    for (const lang of LANGUAGES)
      for (const key of PAGE_MESSAGE_KEYS) {
        const text = catalogText(lang, key)!;
        const els = parse(text, { ignoreTag: true });
        expect({ lang, key, kinds: els.map((e) => e.type).filter((t) => t !== TYPE.literal && t !== TYPE.argument) }).toEqual({ lang, key, kinds: [] });
        const params = Object.fromEntries(els.filter((e) => e.type === TYPE.argument).map((e) => [e.value, `<${e.value}>`]));
        expect({ lang, key, text: fill(text, params) }).toEqual({ lang, key, text: formatMessage({ key: key as MessageKey, params }, lang) });
      }
  });

  it('the page is in the language asked for, its words from the catalog, the script’s messages embedded', () => {
    for (const lang of LANGUAGES) {
      const html = pageHtml(lang);
      expect(html).toContain(`<html lang="${lang}">`);
      const data = embedded(html);
      expect(data.lang).toBe(lang);
      expect(data.messages).toEqual(pageMessages(lang));
      expect(Object.keys(data.messages).sort()).toEqual([...PAGE_MESSAGE_KEYS].sort());
    }
    const zh = pageHtml('zh-CN');
    expect(zh).toContain('<h2>今天 ');
    expect(zh).toContain('>暂停</button>');
    expect(zh).toContain('<span class="dot state-ambiguous"></span>结果不明');
    expect(zh).not.toMatch(/>Today|>Pause</);
    const en = pageHtml('en');
    expect(en).toContain('<h2>Today ');
    expect(en).not.toMatch(/今天|暂停/);
    // The switch: the other language is a link, the page's own is marked current.
    expect(zh).toContain('<strong lang="zh-CN" aria-current="true">中文</strong>');
    expect(zh).toContain('<a href="?lang=en" hreflang="en" lang="en" data-lang="en">English</a>');
    expect(en).toContain('<a href="?lang=zh-CN" hreflang="zh-CN" lang="zh-CN" data-lang="zh-CN">中文</a>');
  });

  it('no message can close the script element it is embedded in', () => {
    for (const lang of LANGUAGES) {
      const block = /<script id="i18n" type="application\/json">(.*?)<\/script>/s.exec(pageHtml(lang))![1]!;
      expect(block).not.toMatch(/</);
    }
  });
});

describe('the timeline picture and plan --html by language', () => {
  const start = Date.UTC(2026, 11, 15, 11, 30); // 19:30 in Shanghai
  const model: TimelineModel = {
    name: 'L1',
    zone: 'Asia/Shanghai',
    start,
    end: start + 3_600_000,
    channels: ['a'],
    marks: [
      { id: 'sign', kind: 'checkin', channel: 'a', at: start - 60_000, startsAt: start + 60_000, endsAt: start + 120_000, state: 'ambiguous', call: 'POST /x' },
      { id: 'm1', kind: 'message', channel: 'a', at: start + 300_000, state: 'done', text: '欢迎', call: 'POST /y' },
    ],
    now: start + 600_000,
  };
  const words = (svg: string): string[] => [...svg.matchAll(/<(?:text|title)[^>]*>([^<]*)</g)].map((m) => m[1]!);

  it('draws its words and times in the language, in the event’s zone', () => {
    const zh = words(timelineSvg(model, 'zh-CN'));
    expect(zh).toEqual(expect.arrayContaining(['开始', '结束', '现在']));
    expect(zh.join('\n')).toContain('sign · 签到 · 结果不明\n12月15日 19:31:00 – 12月15日 19:32:00');
    expect(zh.join('\n')).toContain('课次：12月15日 19:30:00 – 12月15日 20:30:00（Asia/Shanghai）');
    const en = words(timelineSvg(model, 'en'));
    expect(en).toEqual(expect.arrayContaining(['start', 'end', 'now']));
    expect(en.join('\n')).toContain('sign · check-in · ambiguous\nDec 15, 19:31:00 – Dec 15, 19:32:00');
    expect(timelineSvg(model, 'zh-CN')).toContain('aria-label="L1 的时间线"');
  });

  it('plan --html: headings, kinds and times in the language; codes and calls as they are', () => {
    const [p] = planFiles([resolve('examples/lessons/lesson-03-every-kind.yaml')], process.cwd(), 0);
    const zh = planTimelineHtml(p!.plan!, 'zh-CN');
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('<th>时间</th><th>动作</th><th>类型</th><th>频道</th>');
    expect(zh).toMatch(/<td>\d+月\d+日 \d\d:\d\d:\d\d<\/td>/);
    expect(zh).toContain('<td>签到</td>');
    expect(zh).toMatch(/个动作 · \d+ 个文件/);
    const en = planTimelineHtml(p!.plan!, 'en');
    expect(en).toContain('<th>time</th><th>action</th><th>kind</th>');
    expect(en).toMatch(/<td>[A-Z][a-z]{2} \d+, \d\d:\d\d:\d\d<\/td>/);
    // The marks' classes and ids (what tools and tests read) do not change with the language.
    const marks = (html: string) => [...html.matchAll(/class="mark [^"]+" data-id="[^"]+"/g)].map((m) => m[0]);
    expect(marks(zh)).toEqual(marks(en));
  });
});
