import { describe, expect, it } from 'vitest';
import { historyWindow, parseInstant } from '../../src/api/export.js';

describe('a --from/--to instant', () => {
  it('takes epoch milliseconds of any length, 0 included', () => {
    expect(parseInstant('0', '--from')).toBe(0);
    expect(parseInstant('1764588600000', '--from')).toBe(1764588600000);
    expect(parseInstant('86400000', '--to')).toBe(86400000);
  });

  it('takes ISO 8601 times with an offset, as written', () => {
    expect(parseInstant('2026-12-01T19:30+08:00', '--from')).toBe(Date.UTC(2026, 11, 1, 11, 30));
    expect(parseInstant('2026-12-01T11:30Z', '--from')).toBe(Date.UTC(2026, 11, 1, 11, 30));
    expect(parseInstant('2026-12-01T11:30:00.000-0500', '--from')).toBe(Date.UTC(2026, 11, 1, 16, 30));
  });

  it('refuses a time without an offset instead of guessing its zone, and says what to write', () => {
    for (const t of ['2026-12-01T00:00', '2026-12-01', '2026-12-01T19:30:00.000']) {
      expect(() => parseInstant(t, '--from')).toThrow(
        `--from ${t}: this time has no offset, so its zone is unknown; use an ISO 8601 time with an offset (e.g. 2026-12-01T19:30+08:00`,
      );
    }
  });

  it('refuses what is not a time, with the same advice, and epoch ms beyond a Date', () => {
    expect(() => parseInstant('yesterday', '--to')).toThrow(/^--to yesterday: not a time; use an ISO 8601 time with an offset .* or epoch milliseconds/);
    expect(() => parseInstant('-5', '--to')).toThrow(/not a time/);
    expect(() => parseInstant('99999999999999999', '--to')).toThrow(/beyond/);
  });

  it('refuses a window whose start is after its end', () => {
    expect(() => historyWindow('2000', '1000', 5000)).toThrow(/`--from 2000` is after `--to 1000`/);
    expect(historyWindow('0', undefined, 5000)).toEqual({ from: 0, to: 5000 });
  });
});
