import type { Sandbox } from '../../src/sandbox/index.js';
import { demoEnv } from './engine-lesson.js';
import { startServeCli, type ServeProcess } from './serve-term.js';

/** A serve node of a cluster: the real CLI against one sandbox and one Redis. */
export function startNode(dir: string, sandbox: Sandbox, redisUrl: string, extra: readonly string[] = []): ServeProcess {
  return startServeCli(['lessons', '--port', '0', '--endpoint', sandbox.url, '--redis', redisUrl, '--lock-duration', '4s', ...extra], {
    cwd: dir,
    env: demoEnv(),
  });
}

/** The sandbox's applied sends of one text (a message that arrived, as the platform would show it). */
export function sentTexts(s: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of s.log)
    if (e.endpoint === 'sendCustomMessage' && e.effect === 'applied') {
      const text = String(e.params?.['text']);
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
  return counts;
}

/** Each check-in the sandbox registered, by its prompt, and how many times. */
export function registeredCheckins(s: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of s.log)
    if (e.endpoint === 'batchCheckin' && e.effect === 'applied')
      for (const item of (e.params?.['items'] as { message?: string }[] | undefined) ?? []) {
        const key = String(item.message);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
  return counts;
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The sandbox's applied sends by `channelId text`, and how many times each. */
export function sentByChannel(s: Sandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of s.log)
    if (e.endpoint === 'sendCustomMessage' && e.effect === 'applied') {
      const key = `${String(e.params?.['channelId'])} ${String(e.params?.['text'])}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return counts;
}

/** The instant (ms) of the first line of `output` matching `re`, from its ISO timestamp prefix. */
export function loggedAt(output: string, re: RegExp): number | undefined {
  const line = output.split('\n').find((l) => re.test(l));
  const m = line ? /^(\d{4}-\d\d-\d\dT[\d:.]+Z) /.exec(line) : null;
  return m ? Date.parse(m[1]!) : undefined;
}
