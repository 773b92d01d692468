import type { Command } from 'commander';
import { t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';

interface StatusFlags {
  json?: boolean;
  stateDir?: string;
}

/** `runbook status [FILE|RUN]`: planned, done, failed, ambiguous and pending actions, from the journal. */
export function defineStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(t(ctx.lang, 'cli.status.help.description'))
    .argument('[target]', t(ctx.lang, 'cli.status.help.target'))
    .option('--state-dir <dir>', t(ctx.lang, 'cli.status.help.stateDir'))
    .option('--json', t(ctx.lang, 'cli.status.help.json'))
    .action(async (target: string | undefined, flags: StatusFlags) => {
      const { runStatus } = await import('../../api/index.js');
      const { renderStatus } = await import('../render/status.js');
      const st = runStatus(target, { cwd: ctx.cwd, ...(flags.stateDir ? { stateDir: flags.stateDir } : {}) });
      ctx.stdout.write(flags.json ? `${JSON.stringify(st, null, 2)}\n` : renderStatus(st, ctx.lang));
      ctx.exitCode = 0;
    });
}
