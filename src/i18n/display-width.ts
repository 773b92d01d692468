import stringWidth from 'string-width';

/**
 * Terminal columns a text takes: CJK characters (签到, 频道) take two, combining marks none, ANSI
 * colour codes none. Tables pad with this, not `.length`, so Chinese rows line up.
 */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` followed by spaces up to `width` columns (never cut: a longer text is returned whole). */
export function padEnd(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/** Spaces then `text`, up to `width` columns. */
export function padStart(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : ' '.repeat(width - w) + text;
}
