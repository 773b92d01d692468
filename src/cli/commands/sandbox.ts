import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { msg, t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';
import { shellQuote } from '../resume-command.js';

interface SandboxFlags {
  port: string;
  host: string;
  appId?: string;
  appSecret?: string;
  userId?: string;
  channels?: string;
  faults?: string;
  seed: string;
  seedMessages: string;
  log?: string;
}

const FAULTS_EXAMPLE = '5xx=0.1,reset-before=0.05,reset-after=0.05,slow=0.05:3000,break-download=0.1,endpoints=sendCustomMessage|batchCheckin';

/** `runbook sandbox`: the built-in Polyv-compatible server, until Ctrl-C. */
export function defineSandbox(program: Command, ctx: CliContext): void {
  program
    .command('sandbox')
    .description(t(ctx.lang, 'cli.sandbox.help.description'))
    .option('--port <n>', t(ctx.lang, 'cli.option.port'), '0')
    .option('--host <host>', t(ctx.lang, 'cli.option.host'), '127.0.0.1')
    .option('--app-id <id>', t(ctx.lang, 'cli.sandbox.help.appId'))
    .option('--app-secret <secret>', t(ctx.lang, 'cli.sandbox.help.appSecret'))
    .option('--user-id <id>', t(ctx.lang, 'cli.sandbox.help.userId'))
    .option('--channels <ids>', t(ctx.lang, 'cli.sandbox.help.channels'))
    .option('--faults <spec>', t(ctx.lang, 'cli.sandbox.help.faults', { example: FAULTS_EXAMPLE }))
    .option('--seed <n>', t(ctx.lang, 'cli.sandbox.help.seed'), '1')
    .option('--seed-messages <n>', t(ctx.lang, 'cli.sandbox.help.seedMessages'), '100')
    .option('--log <file>', t(ctx.lang, 'cli.sandbox.help.log'))
    .action(async (flags: SandboxFlags) => {
      const { startSandbox, DEMO_CREDENTIALS, parseFaultSpec } = await import('../../sandbox/index.js');
      const num = (v: string, name: string): number => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(msg('cli.usage.wholeNumber', { flag: `\`${name}\``, value: JSON.stringify(v) }));
        return n;
      };
      const custom = flags.appId || flags.appSecret || flags.userId;
      if (custom && !(flags.appId && flags.appSecret && flags.userId)) throw new UsageError(msg('cli.usage.sandboxCredentials'));
      const credentials = custom ? { appId: flags.appId!, appSecret: flags.appSecret!, userId: flags.userId! } : DEMO_CREDENTIALS;
      const sb = await startSandbox({
        port: num(flags.port, '--port'),
        host: flags.host,
        credentials,
        ...(flags.channels
          ? {
              channels: flags.channels
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }
          : {}),
        ...(flags.faults ? { faults: parseFaultSpec(flags.faults) } : {}),
        seed: num(flags.seed, '--seed'),
        seedMessages: num(flags.seedMessages, '--seed-messages'),
        ...(flags.log ? { log: flags.log } : {}),
      });
      ctx.stdout.write(`${t(ctx.lang, 'cli.sandbox.listening', { url: sb.url })}\n`);
      if (custom) {
        ctx.stdout.write(`${t(ctx.lang, 'cli.sandbox.accepting', { appId: credentials.appId, userId: credentials.userId })}\n`);
      } else {
        // The demo credentials are public constants that open nothing but this local server.
        ctx.stdout.write(
          // i18n-exempt: shell commands to copy (the words are the shell's and runbook's own), not prose
          `${t(ctx.lang, 'cli.sandbox.demo')}\n  export POLYV_APP_ID=${DEMO_CREDENTIALS.appId} POLYV_USER_ID=${DEMO_CREDENTIALS.userId} POLYV_APP_SECRET=${DEMO_CREDENTIALS.appSecret}\n  ${(ctx.launcher ?? ['runbook']).map(shellQuote).join(' ')} run LESSON.yaml --endpoint ${sb.url} --start now+10s\n`,
        );
      }
      ctx.stdout.write(`${t(ctx.lang, 'cli.sandbox.stop')}\n`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await sb.close();
      ctx.stdout.write(`${t(ctx.lang, 'cli.sandbox.stopped')}\n`);
      ctx.exitCode = 0;
    });
}
