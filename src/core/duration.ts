/**
 * Durations as playbooks write them: `90s`, `5m`, `1h30m`, `250ms`, `1.5h`, `2d`, or a whole number of
 * seconds. Returns milliseconds, or undefined when the text is not a duration.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/gy;

export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (text === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let pos = 0;
  const compact = text.replace(/\s+/g, '');
  while (pos < compact.length) {
    PART.lastIndex = pos;
    const m = PART.exec(compact);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = PART.lastIndex;
  }
  return Math.round(total);
}

/** 90000 → "1m30s"; used in messages and relative times. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  if (parts.length === 0) parts.push('0s');
  return sign + parts.join('');
}
