/**
 * A page of output lines gathered in reused memory. Appending a line encodes it straight into a
 * buffer; `take()` hands out the filled part and switches to the other buffer, so one page can be
 * written while the next is gathered. Why: a page's text, joined into one string and then encoded,
 * made two half-megabyte objects per page for the garbage collector (and a large string is only
 * collected by a full collection), where these two buffers are allocated once.
 *
 * The caller's contract: a taken view must be written out before `take()` is called twice more (the
 * view's memory is reused then). The history exporter keeps at most one write in flight and waits
 * for it before taking the next page, which is one less.
 */
export class LineBuffer {
  private readonly buffers: [Buffer, Buffer];
  private current = 0;
  private length = 0;

  constructor(initialBytes = 1 << 20) {
    this.buffers = [Buffer.allocUnsafe(initialBytes), Buffer.allocUnsafe(initialBytes)];
  }

  /** Appends `text` encoded as `encoding` ('latin1' writes a byte string's bytes back as they were). */
  append(text: string, encoding: 'utf8' | 'latin1'): void {
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4); latin1 is 1.
    const most = encoding === 'latin1' ? text.length : text.length * 3;
    let buf = this.buffers[this.current]!;
    if (this.length + most > buf.length) buf = this.grow(this.length + most);
    this.length += buf.write(text, this.length, encoding);
  }

  get size(): number {
    return this.length;
  }

  /** The bytes gathered so far (a view into the buffer), and a fresh start in the other buffer. */
  take(): Buffer {
    const view = this.buffers[this.current]!.subarray(0, this.length);
    this.current = 1 - this.current;
    this.length = 0;
    return view;
  }

  private grow(need: number): Buffer {
    const old = this.buffers[this.current]!;
    const next = Buffer.allocUnsafe(Math.max(need, old.length * 2));
    old.copy(next, 0, 0, this.length);
    this.buffers[this.current] = next;
    return next;
  }
}
