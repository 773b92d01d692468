import { colorEnabled, type CliContextInput, type CliHooks, type Writer } from './context.js';
import { executableRealPath, launcherWords, realPath } from './launcher.js';
import { main } from './main.js';

/**
 * The process entry: the only place that reads `process` and installs signal handlers. `hooks` are
 * given only by the test entry (test-hooks-bin.ts); the product CLI runs without any.
 */
export async function start(hooks?: CliHooks): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130); // a second Ctrl-C means "now"
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal (SIGHUP) stops a run as SIGTERM does: cleanly, journal consistent, lock released.
  process.on('SIGHUP', onSignal);
  const isTTY = Boolean(process.stdout.isTTY);
  const ctx: CliContextInput = {
    stdout: quietOnClose(process.stdout),
    stderr: quietOnClose(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    isTTY,
    color: colorEnabled(process.env, isTTY),
    signal: controller.signal,
    exitCode: 0,
    launcher: launcherWords({
      env: process.env,
      scriptPath: process.argv[1] ?? 'runbook',
      execPath: process.execPath,
      cwd: process.cwd(),
      executable: executableRealPath,
      realpath: realPath,
    }),
    ...(hooks ? { hooks } : {}),
  };
  const code = await main(process.argv.slice(2), ctx);
  process.exitCode = code;
  // Let stdout drain; servers and timers were closed by the commands themselves.
}

/**
 * A stream whose reader may go away (`runbook plan … | head -1`): once it has (EPIPE), further
 * output is dropped, quietly — no stack trace — and the command goes on to its end and exit code.
 * A run keeps running: a lesson must not stop because its progress display was closed.
 */
function quietOnClose(stream: NodeJS.WriteStream): Writer {
  let closed = false;
  // EPIPE in practice; any error of the stream means the same: nobody can read what follows.
  stream.on('error', () => void (closed = true));
  return { write: (text) => void (closed || stream.write(text)) };
}
