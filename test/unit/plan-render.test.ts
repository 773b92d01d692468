import { describe, expect, it } from 'vitest';
import { renderPlanText, writePlanJson } from '../../src/cli/render/plan.js';
import type { MessageAction, Plan } from '../../src/plan/types.js';
import { sendCustomMessageRequest } from '../../src/polyv/requests.js';

function bigPlan(n: number): Plan {
  const start = Date.UTC(2030, 0, 1, 11, 30);
  const policy = { missed: 'grace', graceSeconds: 60, ambiguous: 'report' } as const;
  const actions: MessageAction[] = Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    stepId: `m${i}`,
    kind: 'message',
    channelAlias: 'main',
    channelId: '1000001',
    at: start + i * 1000,
    source: { file: 'big.yaml', line: i + 4, col: 5 },
    policy,
    relativeTo: 'start',
    seq: i,
    text: `第 ${i} 条`,
    watchType: 1,
    joinHistoryList: 1,
    encodedLength: 12,
    request: sendCustomMessageRequest({ channelId: '1000001', content: `第 ${i} 条`, joinHistoryList: 1, watchType: 1 }),
  }));
  return {
    version: 1,
    runId: 'r',
    event: { name: 'Big', zone: 'Asia/Shanghai', start, end: start + n * 1000, files: ['/tmp/big.yaml'] },
    channels: { main: '1000001' },
    actions,
    checkinBatches: [],
  };
}

describe('plan rendering', () => {
  it('the text timeline of a large plan on one channel costs about what its JSON does', () => {
    const plan = bigPlan(60_000);
    let t0 = performance.now();
    let size = 0;
    writePlanJson((t) => (size += t.length), plan, [], '/tmp');
    const jsonMs = performance.now() - t0;
    t0 = performance.now();
    const text = renderPlanText(plan, [], { color: false, cwd: '/tmp' });
    const textMs = performance.now() - t0;
    expect(size).toBeGreaterThan(0);
    expect(text.split('\n').filter((l) => l.includes(' message ')).length).toBe(60_000);
    expect(textMs).toBeLessThan(jsonMs * 3 + 500);
  });

  it('labels times against what the author wrote them against', () => {
    const plan = bigPlan(3);
    const end = { ...plan.actions[2]!, at: plan.event.end - 60_000, relativeTo: 'end' as const };
    const text = renderPlanText({ ...plan, actions: [plan.actions[0]!, end] }, [], { color: false, cwd: '/tmp' });
    expect(text).toMatch(/^ {2}E-1m {6}/m);
    expect(text).toMatch(/^ {2}T\+0s {6}/m);
  });
});
