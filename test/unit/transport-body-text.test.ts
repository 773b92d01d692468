import { describe, expect, it } from 'vitest';
import { bytesToText, decodeBody } from '../../src/transport/body-text.js';

const sample = { list: [{ content: '签到开始 🎉 "引号" \\ 换行\n\t,逗号 é', user: JSON.stringify({ nick: '张三' }) }], cursor: 'c1' };

describe('decodeBody', () => {
  it('gives a byte string for raw UTF-8 that writes back to exactly the bytes that came in', () => {
    const body = Buffer.from(JSON.stringify(sample), 'utf8');
    const got = decodeBody(body, 'bytes');
    expect(got.as).toBe('bytes');
    expect(got.text.length).toBe(body.length); // one character per byte
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(got.text)), 'latin1');
    expect(reserialised.equals(Buffer.from(JSON.stringify(sample), 'utf8'))).toBe(true);
  });

  it('decodes ordinary text when asked for it', () => {
    const got = decodeBody(Buffer.from(JSON.stringify(sample), 'utf8'), 'utf8');
    expect(got).toEqual({ text: JSON.stringify(sample), as: 'utf8' });
  });

  it('falls back to ordinary text when the body holds a \\u escape', () => {
    const escaped = JSON.stringify(sample).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const got = decodeBody(Buffer.from(escaped, 'utf8'), 'bytes');
    expect(got.as).toBe('utf8');
    expect(JSON.parse(got.text)).toEqual(sample);
  });

  it('falls back to ordinary text (with U+FFFD) when the body is not valid UTF-8', () => {
    const body = Buffer.concat([Buffer.from('{"content":"ab'), Buffer.from([0xe4, 0xb8]), Buffer.from('"}')]);
    const got = decodeBody(body, 'bytes');
    expect(got.as).toBe('utf8');
    expect((JSON.parse(got.text) as { content: string }).content).toBe('ab\ufffd');
  });
});

describe('bytesToText', () => {
  it('turns a byte string back into text and leaves ASCII as it is', () => {
    expect(bytesToText(Buffer.from('报告未就绪 ready', 'utf8').toString('latin1'))).toBe('报告未就绪 ready');
    const ascii = 'Report is not ready yet';
    expect(bytesToText(ascii)).toBe(ascii);
  });
});
