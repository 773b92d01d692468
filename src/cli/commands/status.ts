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
      const { DateTime } = await import('luxon');
      const st = runStatus(target, { cwd: ctx.cwd, ...(flags.stateDir ? { stateDir: flags.stateDir } : {}) });
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(st, null, 2)}\n`);
      } else {
        const lines = [`run ${st.runId} of ${st.file} (started ${st.runs} time(s)), journal ${st.journal}`];
        for (const r of st.rows)
          lines.push(
            `  ${r.state.padEnd(10)} ${DateTime.fromMillis(r.at).toUTC().toFormat("yyyy-MM-dd HH:mm:ss'Z'")}  ${r.kind.padEnd(13)} ${r.id}${r.message ? `  ${r.message}` : ''}`,
          );
        const count = (s: string): number => st.rows.filter((r) => r.state === s).length;
        lines.push(
          `${st.rows.length} planned: ${count('done')} done, ${count('failed')} failed, ${count('ambiguous')} ambiguous, ${count('skipped')} skipped, ${count('pending')} pending, ${count('in-flight')} in flight`,
        );
        const amb = st.rows.filter((r) => r.state === 'ambiguous').map((r) => r.id);
        if (amb.length) lines.push(`ambiguous: ${amb.join(', ')}`);
        ctx.stdout.write(`${lines.join('\n')}\n`);
      }
      ctx.exitCode = 0;
    });
}
