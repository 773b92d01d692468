import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * README.zh-CN.md is README.md in Chinese, kept in step with it (issue 18). "In step" is made
 * checkable by one rule a person editing either file can follow: every heading of README.zh-CN.md
 * ends with `<a id="…"></a>` holding the link anchor of the English heading it translates (the
 * fragment GitHub gives that heading, so `#serving-a-term-runbook-serve` links work the same in both
 * files). Commands are copied, not translated: a Chinese reader copies the same commands.
 */
const EN_FILE = 'README.md';
const ZH_FILE = 'README.zh-CN.md';

interface Heading {
  readonly level: number;
  readonly text: string;
  readonly line: number;
}

interface Block {
  readonly info: string;
  readonly body: string;
  readonly line: number;
}

interface Markdown {
  readonly headings: Heading[];
  readonly blocks: Block[];
  /** The text outside fenced blocks (where links live). */
  readonly prose: string;
}

/** Headings and fenced code blocks of a Markdown file; a `#` inside a fenced block is not a heading. */
function parseMarkdown(source: string): Markdown {
  const headings: Heading[] = [];
  const blocks: Block[] = [];
  const prose: string[] = [];
  let fence: { marker: string; info: string; line: number; body: string[] } | undefined;
  source.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1;
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1]![0] === fence.marker[0] && close[1]!.length >= fence.marker.length) {
        blocks.push({ info: fence.info, body: fence.body.join('\n'), line: fence.line });
        fence = undefined;
      } else fence.body.push(text);
      return;
    }
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(text);
    if (open) {
      fence = { marker: open[1]!, info: open[2]!.toLowerCase(), line, body: [] };
      return;
    }
    prose.push(text);
    const h = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    if (h) headings.push({ level: h[1]!.length, text: h[2]!, line });
  });
  if (fence) throw new Error(`an unclosed code block opens at line ${fence.line}`);
  return { headings, blocks, prose: prose.join('\n') };
}

/**
 * The anchor GitHub gives a heading (as github-slugger makes it): the rendered text in lower case,
 * every character that is not a letter, digit, mark, `_`, `-` or space dropped, spaces → `-`; a
 * repeated heading gets `-1`, `-2` ….
 */
function slugger(): (heading: string) => string {
  const seen = new Map<string, number>();
  return (heading) => {
    const rendered = heading
      .replace(/<[^>]*>/g, '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '');
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  };
}

const ANCHOR = /<a id="([^"]*)"><\/a>/g;

function anchorsOf(heading: Heading): string[] {
  return [...heading.text.matchAll(ANCHOR)].map((m) => m[1]!);
}

/** A YAML block may translate its trailing comments (`key: value   # comment`); everything else is copied. */
function yamlWithoutTrailingComments(body: string): string {
  return body
    .split('\n')
    .map((l) => l.replace(/(\S)\s+#(\s.*)?$/, '$1'))
    .join('\n');
}

/** A block without a language (a listing such as the architecture's): the same lines, each starting with the same word. */
function firstWords(body: string): string[] {
  return body.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '');
}

/** What must be equal in both files for one block: the whole text, except where the block's kind allows translation. */
function comparable(block: Block): { info: string; copied: string | string[] } {
  if (block.info === 'yaml' || block.info === 'yml') return { info: block.info, copied: yamlWithoutTrailingComments(block.body) };
  if (block.info === '' || block.info === 'text') return { info: block.info, copied: firstWords(block.body) };
  return { info: block.info, copied: block.body };
}

const en = parseMarkdown(readFileSync(EN_FILE, 'utf8'));
const zh = parseMarkdown(readFileSync(ZH_FILE, 'utf8'));

describe('README.zh-CN.md is README.md in Chinese, section for section', () => {
  it('both files have headings (the comparison below is not vacuous)', () => {
    expect(en.headings.length).toBeGreaterThan(10);
    expect(zh.headings.length).toBeGreaterThan(10);
  });

  it('has the same number of headings at each level, in the same order', () => {
    const shape = (hs: Heading[]): string[] => hs.map((h) => '#'.repeat(h.level));
    // On a mismatch, the pairs show where the two files part.
    const pairs = en.headings.map(
      (h, i) =>
        `${EN_FILE}:${h.line} ${'#'.repeat(h.level)} ${h.text}  ⇄  ${zh.headings[i] ? `${ZH_FILE}:${zh.headings[i].line} ${'#'.repeat(zh.headings[i].level)} ${zh.headings[i].text}` : '(none)'}`,
    );
    expect(shape(zh.headings), pairs.join('\n')).toEqual(shape(en.headings));
  });

  it('gives each Chinese heading the anchor of the English heading at the same place', () => {
    const slug = slugger();
    const wrong: string[] = [];
    const count = Math.max(en.headings.length, zh.headings.length);
    for (let i = 0; i < count; i++) {
      const e = en.headings[i];
      const z = zh.headings[i];
      if (!e) {
        wrong.push(`${ZH_FILE}:${z!.line}: "${z!.text}" has no counterpart in ${EN_FILE}`);
        continue;
      }
      const want = slug(e.text);
      if (!z) {
        wrong.push(`${ZH_FILE}: missing a heading for ${EN_FILE}:${e.line} "${e.text}" (with <a id="${want}"></a>)`);
        continue;
      }
      const got = anchorsOf(z);
      if (got.length !== 1 || got[0] !== want || z.level !== e.level)
        wrong.push(
          `${ZH_FILE}:${z.line}: "${z.text}" should be level ${e.level} and end with <a id="${want}"></a> (it translates ${EN_FILE}:${e.line} "${e.text}")`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('the English headings carry no anchors of their own (the English file is the source of the anchors)', () => {
    expect(en.headings.filter((h) => anchorsOf(h).length > 0).map((h) => `${EN_FILE}:${h.line}`)).toEqual([]);
  });

  it('has the same code blocks: commands copied unchanged, YAML with only its trailing comments translated', () => {
    expect(zh.blocks.length).toBeGreaterThan(0);
    const where = `blocks at ${EN_FILE}:${en.blocks.map((b) => b.line).join(',')} and ${ZH_FILE}:${zh.blocks.map((b) => b.line).join(',')}`;
    expect(zh.blocks.map(comparable), where).toEqual(en.blocks.map(comparable));
  });

  it('links within each file point at one of its headings', () => {
    const broken: string[] = [];
    const check = (file: string, md: Markdown, anchors: Set<string>): void => {
      for (const m of md.prose.matchAll(/\]\(#([^)\s]+)\)/g)) if (!anchors.has(decodeURIComponent(m[1]!))) broken.push(`${file}: #${m[1]}`);
    };
    const slug = slugger();
    check(EN_FILE, en, new Set(en.headings.map((h) => slug(h.text))));
    check(ZH_FILE, zh, new Set(zh.headings.flatMap(anchorsOf)));
    expect(broken).toEqual([]);
  });

  it('each file links to the other at its top', () => {
    const top = (md: Markdown): string => md.prose.split('\n').slice(0, 3).join('\n');
    expect(top(en)).toContain(`](${ZH_FILE})`);
    expect(top(zh)).toContain(`](${EN_FILE})`);
  });
});
