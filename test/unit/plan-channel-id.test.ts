import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planFile, validateFiles } from '../../src/api/pipeline.js';
import { canonicalChannelId } from '../../src/polyv/channel-id.js';
import { batchCheckinRequest } from '../../src/polyv/requests.js';
import { buildHttpRequest } from '../../src/transport/http-request.js';

const dir = mkdtempSync(join(tmpdir(), 'rb-chan-'));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}
const EVENT = 'event: { name: Ids, timezone: Asia/Shanghai, start: "2030-12-01T19:30", duration: 1h }\n';

describe('channel ids: digits, canonical, sent exactly', () => {
  it('canonical form: no leading zeros, 1–20 digits, not zero, no unsafe numbers', () => {
    expect(canonicalChannelId('0001000')).toBe('1000');
    expect(canonicalChannelId(1000)).toBe('1000');
    expect(canonicalChannelId(' 42 ')).toBe('42');
    expect(canonicalChannelId('12345678901234567890')).toBe('12345678901234567890');
    for (const bad of ['0', '000', '', '12a', '-1', '1.5', '123456789012345678901', 2 ** 60, 0, -3, 1.5]) expect(canonicalChannelId(bad)).toBeUndefined();
  });

  it('"0001000" and 1000 are one channel to the check-in rule', () => {
    const f = file(
      'same.yaml',
      `${EVENT}channels: { a: "0001000", b: 1000 }\nsteps:\n  - { id: c1, kind: checkin, at: +10m, duration: 60s, channels: a }\n  - { id: c2, kind: checkin, at: +10m30s, duration: 60s, channels: b }\n`,
    );
    const r = planFile(f, { cwd: dir });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['RB4008']);
  });

  it('across files too', async () => {
    const a = file('x.yaml', `${EVENT}channels: { main: "0001000" }\nsteps:\n  - { id: xa, kind: checkin, at: +10m, duration: 60s }\n`);
    const b = file('y.yaml', `${EVENT}channels: { main: 1000 }\nsteps:\n  - { id: yb, kind: checkin, at: +10m2s, duration: 60s }\n`);
    expect((await validateFiles([a, b], { cwd: dir })).crossFile.map((d) => d.code)).toEqual(['RB4008']);
  });

  it('plans the canonical id and refuses an id that is not one, located', () => {
    const ok = planFile(file('ok.yaml', `${EVENT}channels: { main: "0001000" }\nsteps:\n  - { id: m, kind: message, at: start, text: hi }\n`), { cwd: dir });
    expect(ok.plan!.channels).toEqual({ main: '1000' });
    expect(ok.plan!.actions[0]!.channelId).toBe('1000');
    const bad = planFile(
      file('bad.yaml', `${EVENT}vars: { id: "00" }\nchannels: { main: "{{id}}" }\nsteps:\n  - { id: m, kind: message, at: start, text: hi }\n`),
      { cwd: dir },
    );
    expect(bad.diagnostics).toMatchObject([{ code: 'RB4006', location: { line: 3 } }]);
  });

  it('sends a 20-digit id digit for digit in the batch-checkin body', () => {
    const id = '12345678901234567890';
    const f = file('long.yaml', `${EVENT}channels: { main: "${id}" }\nsteps:\n  - { id: c, kind: checkin, at: +10m, duration: 60s, prompt: 签到 }\n`);
    const plan = planFile(f, { cwd: dir }).plan!;
    const req = plan.checkinBatches[0]!.request;
    expect(req.jsonBody).toContain(`"channelId":${id},`);
    expect(req.json).toMatchObject([{ channelId: id }]);
    const wire = buildHttpRequest(req, { appId: 'app', sign: () => 'X' }, 'http://127.0.0.1:1', 1);
    expect(wire.body).toBe(req.jsonBody);
    expect(JSON.parse(batchCheckinRequest([{ channelId: '7', limitTime: 5, delayTime: 9, message: 'a"b' }]).jsonBody!)).toEqual([
      { channelId: 7, limitTime: 5, delayTime: 9, message: 'a"b' },
    ]);
  });
});
