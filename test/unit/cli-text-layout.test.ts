import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/cli/help.js';
import { renderTable } from '../../src/cli/render/table.js';
import { zonedTimes } from '../../src/cli/render/zoned-times.js';
import { displayWidth, formatTime, time, LANGUAGES } from '../../src/i18n/index.js';

/** Where each column starts on a line, in terminal columns: after each run of two or more spaces. */
function columnStarts(line: string): number[] {
  const starts = [0];
  const re = / {2,}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) starts.push(displayWidth(line.slice(0, m.index + m[0].length)));
  return starts;
}

describe('tables in terminal columns', () => {
  it('lines up Chinese (double-width) cells with ASCII ones', () => {
    const lines = renderTable(
      ['动作', '结果', 'late'],
      [
        ['签到-1', '成功', '15 ms'],
        ['welcome-everyone', '结果不明', '0 毫秒'],
        ['m', 'ok', ''],
      ],
    );
    const starts = lines.filter((l) => !l.startsWith('-')).map((l) => columnStarts(l));
    // Every row (but the short last one, trimmed) has its columns where the header has them.
    expect(starts[1]).toEqual(starts[0]);
    expect(starts[2]).toEqual(starts[0]);
    expect(starts[3]!.slice(0, 2)).toEqual(starts[0]!.slice(0, 2));
    // The rule under the header is as wide as each column.
    expect(lines[1]).toBe(`${'-'.repeat(16)}  ${'-'.repeat(8)}  ${'-'.repeat(6)}`);
    // String.padEnd would count 签到-1 as 4 wide, not 6: the second column would start 2 columns early.
    expect(displayWidth(lines[2]!.slice(0, lines[2]!.indexOf('成功')))).toBe(18);
  });
});

describe('zoned times for tables', () => {
  it('are the same text as formatTime, across offset changes and in both languages', () => {
    // Lord Howe changes by 30 minutes; New York by an hour; a few instants before 1970 too.
    const zones = ['Australia/Lord_Howe', 'America/New_York', 'Asia/Shanghai', 'UTC'];
    const instants = [
      Date.UTC(2027, 3, 3, 14, 59, 59),
      Date.UTC(2027, 3, 3, 15, 0, 1),
      Date.UTC(2026, 10, 1, 5, 59, 30),
      Date.UTC(2026, 10, 1, 6, 0, 30),
      -1500,
      0,
      59_999,
    ];
    for (let i = 0; i < 200; i++) instants.push(Date.UTC(2026, 0, 1) + i * 7_777_777);
    for (const lang of LANGUAGES)
      for (const zone of zones)
        for (const style of ['full', 'dateTimeSeconds'] as const) {
          const z = zonedTimes(zone, lang, style);
          for (const ms of instants) {
            const expected = formatTime(time(ms, zone, style), lang);
            expect(z.text(ms)).toBe(expected);
            expect(z.width(ms)).toBe(displayWidth(expected));
          }
        }
  });
});

describe('help text wrapping', () => {
  it('wraps English at spaces and Chinese between characters, within the width', () => {
    const en = wrapText('give up waiting for an answer after this many ms (default 15000); a send that times out is ambiguous', 40);
    expect(en.split('\n').every((l) => displayWidth(l) <= 40)).toBe(true);
    expect(en.replace(/\n/g, ' ')).toBe('give up waiting for an answer after this many ms (default 15000); a send that times out is ambiguous');
    const zh = wrapText('等待应答超过这么多毫秒即放弃（默认 15000）；超时的发送结果不明，请先查看频道再决定是否重发', 40);
    const lines = zh.split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => displayWidth(l) <= 40)).toBe(true);
    // Nothing lost but the space a line broke at.
    expect(lines.join('').replace(/ /g, '')).toBe('等待应答超过这么多毫秒即放弃（默认15000）；超时的发送结果不明，请先查看频道再决定是否重发');
    // Closing punctuation never starts a line.
    expect(lines.slice(1).some((l) => /^[，。：；、）]/.test(l))).toBe(false);
  });
});
