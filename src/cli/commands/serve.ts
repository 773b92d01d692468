import type { Command } from 'commander';
import { ExitCodes, UsageError } from '../../core/errors.js';
import { msg, t } from '../../i18n/index.js';
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
      if (flags.sandbox && flags.endpoint) throw new UsageError(msg('cli.usage.sandboxWithEndpoint'));
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(msg('cli.usage.port', { value: JSON.stringify(flags.port) }));
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
        lang: ctx.lang,
        onListening: (url) => ctx.stdout.write(`${t(ctx.lang, 'cli.serve.listening', { url })}\n`),
      });
      const term = serving.term;
      const counts = { lessons: term.lessons.size, templates: term.templates.size, rejected: term.rejected.size, sandbox: serving.sandboxUrl ?? 'none' };
      ctx.stdout.write(`${t(ctx.lang, 'cli.serve.term', counts)}\n${t(ctx.lang, 'cli.serve.howToStop')}\n`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      ctx.stdout.write(`${t(ctx.lang, 'cli.serve.stopping')}\n`);
      await serving.close();
      ctx.stdout.write(`${t(ctx.lang, 'cli.serve.stopped')}\n`);
      ctx.exitCode = ExitCodes.INTERRUPTED;
    });
}
