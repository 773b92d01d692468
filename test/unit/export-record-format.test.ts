import { describe, expect, it } from 'vitest';
import { csvRow, jsonlRow } from '../../src/export/record-format.js';
import type { SpeakRecord } from '../../src/polyv/types.js';

const record = (over: Partial<SpeakRecord> = {}): SpeakRecord =>
  ({
    id: 'm-1',
    roomId: '1000001',
    content: '大家好, "quoted"',
    user: JSON.stringify({ nick: '小明', userId: 'u1', userType: 'student', clientIp: '10.0.0.1', actor: '' }),
    image: '',
    time: 1700000000000,
    msgType: null,
    userType: 'student',
    sessionId: 's1',
    extra: { kept: true },
    ...over,
  }) as unknown as SpeakRecord;

describe('history record formats', () => {
  it('JSONL keeps every field as sent, in order, with `user` parsed into an object as the last key', () => {
    const r = record();
    const line = jsonlRow(r);
    expect(line.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['id', 'roomId', 'content', 'image', 'time', 'msgType', 'userType', 'sessionId', 'extra', 'user']);
    expect(parsed['content']).toBe('大家好, "quoted"');
    expect(parsed['extra']).toEqual({ kept: true });
    expect(parsed['user']).toEqual({ nick: '小明', userId: 'u1', userType: 'student', clientIp: '10.0.0.1', actor: '' });
  });

  it('JSONL leaves the record it was given untouched', () => {
    const r = record();
    const before = JSON.stringify(r);
    jsonlRow(r);
    expect(JSON.stringify(r)).toBe(before);
  });

  it('a malformed or missing `user` becomes an empty object, not an error', () => {
    expect(JSON.parse(jsonlRow(record({ user: '{not json' })))['user']).toEqual({});
    expect(JSON.parse(jsonlRow(record({ user: undefined as unknown as string })))['user']).toEqual({});
  });

  it('CSV quotes fields with commas and quotes, and spreads `user` into columns', () => {
    const row = csvRow(record());
    expect(row).toContain('"大家好, ""quoted"""');
    expect(row).toContain(',小明,student,u1,,10.0.0.1,');
    expect(row.endsWith('\r\n')).toBe(true);
  });
});
