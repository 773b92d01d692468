import type { Command } from 'commander';
import { ExitCodes, UsageError } from '../../core/errors.js';
import { t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';
import { isProcessAlive } from '../process-alive.js';

interface ServeFlags {
  port: string;
  host: string;
  stateDir?: string;
  endpoint?: string;
  sandbox?: boolean;
  profile?: string;
  credentials?: string;
  tokenFile?: string;
}

/** `runbook serve PATH…`: a whole term, run at its times by one process, watched and steered in a browser. */
export function defineServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(t(ctx.lang, 'cli.serve.help.description'))
    .argument('<paths...>', t(ctx.lang, 'cli.serve.help.paths'))
    .option('--port <n>', t(ctx.lang, 'cli.serve.help.port'), '8330')
    .option('--host <host>', t(ctx.lang, 'cli.serve.help.host'), '127.0.0.1')
    .option('--state-dir <dir>', t(ctx.lang, 'cli.serve.help.stateDir'))
    .option('--endpoint <url>', t(ctx.lang, 'cli.option.endpoint'))
    .option('--sandbox', t(ctx.lang, 'cli.option.sandbox'))
    .option('--profile <name>', t(ctx.lang, 'cli.option.profile'))
    .option('--credentials <file>', t(ctx.lang, 'cli.option.credentialsDefault'))
    .option('--token-file <file>', t(ctx.lang, 'cli.serve.help.tokenFile'))
    .action(async (paths: string[], flags: ServeFlags) => {
      if (flags.sandbox && flags.endpoint) throw new UsageError('--sandbox and --endpoint exclude each other');
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${JSON.stringify(flags.port)}`);
      const { startServe } = await import('../../serve/index.js');
      const log = (line: string): void => ctx.stdout.write(`${new Date().toISOString()} ${line}\n`);
      const serving = await startServe({
        paths,
        cwd: ctx.cwd,
        env: ctx.env,
        host: flags.host,
        port,
        ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
        ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
        ...(flags.sandbox ? { sandbox: true } : {}),
        ...(flags.profile ? { profile: flags.profile } : {}),
        ...(flags.credentials ? { credentialsFile: flags.credentials } : {}),
        ...(flags.tokenFile ? { tokenFile: flags.tokenFile } : {}),
        pid: process.pid,
        isAlive: isProcessAlive,
        log,
        onListening: (url) => ctx.stdout.write(`runbook serve listening on ${url}\n`),
      });
      const t = serving.term;
      ctx.stdout.write(
        `${t.lessons.size} lesson(s), ${t.templates.size} template(s), ${t.rejected.size} file(s) not valid${serving.sandboxUrl ? `; rehearsal against the built-in sandbox at ${serving.sandboxUrl}` : ''}\nCtrl-C (or SIGTERM) stops cleanly; starting again resumes every lesson from its journal\n`,
      );
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      ctx.stdout.write('stopping: calls in flight finish and are journaled, calls not yet sent are withdrawn\n');
      await serving.close();
      ctx.stdout.write('stopped: every journal is consistent; run the same command again to resume\n');
      ctx.exitCode = ExitCodes.INTERRUPTED;
    });
}
