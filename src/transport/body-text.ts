import { isUtf8 } from 'node:buffer';
import type { BodyText } from '../polyv/types.js';

/**
 * Decodes an answer's body. Asked for `bytes`, it gives a byte string only when that is exact: the
 * body is valid UTF-8 (an invalid sequence is decoded as ordinary text, with U+FFFD, as any UTF-8
 * reader would) and holds no `\u` escape (an escape decodes to a real character, which a byte string
 * cannot carry alongside raw bytes). Otherwise it falls back to `utf8` and says so.
 *
 * Why bother: a history page is ~0.5 MB of mostly Chinese text. As a byte string it is decoded by a
 * copy, parsed as one-byte text (half the memory of a two-byte string) and written back by a copy;
 * decoding it to UTF-16 and encoding it again was a third of the exporter's time per page.
 */
export function decodeBody(body: Buffer, want: BodyText): { readonly text: string; readonly as: BodyText } {
  if (want === 'bytes' && body.indexOf('\\u') === -1 && isUtf8(body)) return { text: body.toString('latin1'), as: 'bytes' };
  return { text: body.toString('utf8'), as: 'utf8' };
}

/** Ordinary text from a byte string (for messages and errors, which people read). */
export function bytesToText(s: string): string {
  return /[\u0080-\uffff]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}
