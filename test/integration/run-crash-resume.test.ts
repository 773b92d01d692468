import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';
import { demoEnv, twoChannelLesson } from '../helpers/engine-lesson.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

/**
 * Kill the run (SIGKILL, no chance to clean up) right after its N-th durable journal write, then
 * resume it: every action must have happened exactly once, or be reported ambiguous by id — never twice.
 */
describe('crash after the N-th journal write, then resume', () => {
  it.each([1, 2, 3, 4, 6, 9])('N = %i', async (n) => {
    sb = await startSandbox({ channels: ['1000001', '1000002'] });
    const { file, texts } = twoChannelLesson({ messages: 3, spacingS: 1 });
    const start = new Date(Date.now() + 1200).toISOString();
    const crashed = await runCli(['run', file, '--endpoint', sb.url, '--start', start], { env: demoEnv({ RUNBOOK_TEST_CRASH_AFTER_WRITES: String(n) }) });
    expect(crashed.signal).toBe('SIGKILL');
    const resumed = await runCli(['run', file, '--endpoint', sb.url, '--start', start, '--json'], { env: demoEnv() });
    expect([0, 4]).toContain(resumed.code);
    const summary = JSON.parse(resumed.stdout.trim().split('\n').pop()!) as { actions: { id: string; result: string }[] };
    const ambiguous = new Set(summary.actions.filter((a) => a.result === 'ambiguous').map((a) => a.id));
    expect(resumed.code).toBe(ambiguous.size > 0 ? 4 : 0);
    for (const [i, text] of texts.entries()) {
      for (const [alias, ch] of [['a', '1000001'], ['b', '1000002']] as const) {
        const id = `m${i + 1}@${alias}`;
        const count = sb.log.filter((e) => e.endpoint === 'sendCustomMessage' && e.effect === 'applied' && e.params?.['channelId'] === ch && e.params?.['text'] === text).length;
        if (ambiguous.has(id)) expect(count).toBeLessThanOrEqual(1);
        else expect(count, id).toBe(1);
        expect(summary.actions.find((a) => a.id === id)?.result).toMatch(/^(ok|ambiguous)$/);
      }
    }
    const batches = sb.log.filter((e) => e.endpoint === 'batchCheckin' && e.effect === 'applied').length;
    expect(batches).toBeLessThanOrEqual(1);
    if (!ambiguous.has('checkin@a')) expect(batches).toBe(1);
  });
});
