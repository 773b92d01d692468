import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../src/export/line-buffer.js';

describe('LineBuffer', () => {
  it('encodes lines as asked and hands out what it gathered', () => {
    const b = new LineBuffer(16);
    b.append('签到\n', 'utf8');
    b.append(Buffer.from('张三\n', 'utf8').toString('latin1'), 'latin1');
    expect(b.size).toBe(14);
    expect(b.take().toString('utf8')).toBe('签到\n张三\n');
    expect(b.size).toBe(0);
  });

  it('grows past its initial size without losing what it holds', () => {
    const b = new LineBuffer(8);
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} 行\n`);
    for (const l of lines) b.append(l, 'utf8');
    expect(b.take().toString('utf8')).toBe(lines.join(''));
  });

  it('keeps a taken view intact while the next page is gathered, and reuses its memory the time after', () => {
    const b = new LineBuffer(64);
    b.append('first page\n', 'utf8');
    const first = b.take();
    b.append('second page\n', 'utf8');
    const second = b.take();
    expect(first.toString()).toBe('first page\n'); // still intact: the second page went to the other buffer
    b.append('third\n', 'utf8');
    expect(b.take().buffer).toBe(first.buffer); // the first buffer, reused
    expect(second.toString()).toBe('second page\n');
  });
});
