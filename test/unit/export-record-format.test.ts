import { describe, expect, it } from 'vitest';
import { csvRow, jsonlRow, recordProblem } from '../../src/export/record-format.js';
import type { SpeakRecord } from '../../src/polyv/types.js';
import { formatMessage, type Msg } from '../../src/i18n/index.js';

/** A record problem as the English reader sees it (the problem itself is a message: key + params). */
const english = (m: Msg | undefined): string | undefined => (m ? formatMessage(m, 'en') : undefined);

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

  it('a malformed or missing `user` is kept as it came (JSONL) or leaves its columns empty (CSV), and is named', () => {
    expect(JSON.parse(jsonlRow(record({ user: '{not json' })))['user']).toBe('{not json');
    expect(JSON.parse(jsonlRow(record({ user: '[1]' })))['user']).toBe('[1]');
    expect('user' in JSON.parse(jsonlRow(record({ user: undefined as unknown as string })))).toBe(false);
    expect(csvRow(record({ user: '{not json' }))).toContain('"大家好, ""quoted"""');
    expect(english(recordProblem(record({ user: '{not json' })))).toBe('`user` is not a JSON object');
  });

  it('names what keeps a record from being read as documented; a record without a time still makes a CSV row', () => {
    expect(recordProblem(record())).toBeUndefined();
    expect(english(recordProblem(null))).toBe('not an object');
    expect(english(recordProblem([1]))).toBe('not an object');
    expect(english(recordProblem(record({ id: undefined as unknown as string })))).toBe('no id');
    expect(english(recordProblem(record({ time: undefined as unknown as number })))).toBe('no time');
    expect(
      csvRow(record({ time: undefined as unknown as number }))
        .split(',')
        .slice(0, 3),
    ).toEqual(['m-1', '', '']);
    expect(csvRow(record({ time: 1e20 })).split(',')[2]).toBe('');
  });

  it('CSV quotes fields with commas and quotes, and spreads `user` into columns', () => {
    const row = csvRow(record());
    expect(row).toContain('"大家好, ""quoted"""');
    expect(row).toContain(',小明,student,u1,,10.0.0.1,');
    expect(row.endsWith('\r\n')).toBe(true);
  });
});
