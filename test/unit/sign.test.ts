import { describe, expect, it } from 'vitest';
import { polyvSign } from '../../src/polyv/sign.js';

describe('polyvSign', () => {
  it("matches Polyv's documented example", () => {
    const sign = polyvSign(
      { appId: 'g4rqgmmjuo', timestamp: 1660270926732, channelIds: '2477096,2272655', startDay: '2022-05-20', endDay: '2022-06-18' },
      'fsq2k5weced1h8vui657xtdva66whf0g',
    );
    expect(sign).toBe('0D2BDA2FD04D93A2B8832B91FD973C4D');
  });
});
