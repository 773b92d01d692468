import type { Command } from 'commander';
import { ExitCodes, UsageError } from '../../core/errors.js';
import { t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';
import { checkEndpoint } from '../endpoint-option.js';

interface ExportFlags {
  channel?: string;
  session?: string;
  from?: string;
  to?: string;
  format: string;
  out: string;
  endpoint?: string;
  sandbox?: boolean;
  profile?: string;
  credentials?: string;
  wait?: string;
}

/** `runbook export chat|history|report --channel ID …`: one export, without a playbook. */
export function defineExport(program: Command, ctx: CliContext): void {
  program
    .command('export')
    .description(t(ctx.lang, 'cli.export.help.description'))
    .argument('<kind>', t(ctx.lang, 'cli.export.help.kind'))
    .requiredOption('--channel <id>', t(ctx.lang, 'cli.export.help.channel'))
    .option('--session <id>', t(ctx.lang, 'cli.export.help.session'))
    .option('--from <time>', t(ctx.lang, 'cli.export.help.from'))
    .option('--to <time>', t(ctx.lang, 'cli.export.help.to'))
    .option('--format <format>', t(ctx.lang, 'cli.export.help.format'), 'jsonl')
    .option('--out <dir>', t(ctx.lang, 'cli.export.help.out'), 'exports')
    .option('--endpoint <url>', t(ctx.lang, 'cli.option.endpoint'))
    .option('--sandbox', t(ctx.lang, 'cli.export.help.sandbox'))
    .option('--profile <name>', t(ctx.lang, 'cli.option.profile'))
    .option('--credentials <file>', t(ctx.lang, 'cli.option.credentials'))
    .option('--wait <duration>', t(ctx.lang, 'cli.export.help.wait'))
    .action(async (kind: string, flags: ExportFlags) => {
      if (kind !== 'chat' && kind !== 'history' && kind !== 'report')
        throw new UsageError(`export what? chat, history or report — got ${JSON.stringify(kind)}`);
      if (flags.format !== 'jsonl' && flags.format !== 'csv') throw new UsageError('--format must be jsonl or csv');
      if (flags.sandbox && flags.endpoint) throw new UsageError('--sandbox and --endpoint exclude each other');
      if (flags.endpoint) checkEndpoint(flags.endpoint);
      // Only the export pipeline: no schema, template or YAML modules in this process.
      const { exportOneOff } = await import('../../api/export.js');
      const { parseDuration } = await import('../../core/duration.js');
      const waitMs = flags.wait ? parseDuration(flags.wait) : undefined;
      if (flags.wait && waitMs === undefined) throw new UsageError(`--wait ${flags.wait} is not a duration`);
      let lastShown = 0;
      const now = Date.now();
      if (kind === 'history') {
        // One-off, the window is not the event's: say which it is before anything else.
        const { historyWindow } = await import('../../api/export.js');
        const w = historyWindow(flags.from, flags.to, now);
        ctx.stdout.write(
          `history of channel ${flags.channel} from ${new Date(w.from).toISOString()} to ${new Date(w.to).toISOString()}${flags.from === undefined ? ' (the last 24 hours: --from not given)' : ''}\n`,
        );
      }
      const exporting = exportOneOff({
        kind,
        channel: flags.channel!,
        ...(flags.session ? { session: flags.session } : {}),
        ...(flags.from ? { from: flags.from } : {}),
        ...(flags.to ? { to: flags.to } : {}),
        format: flags.format,
        out: flags.out,
        cwd: ctx.cwd,
        env: ctx.env,
        ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
        ...(flags.sandbox ? { sandbox: true } : {}),
        ...(flags.profile ? { profile: flags.profile } : {}),
        ...(flags.credentials ? { credentialsFile: flags.credentials } : {}),
        ...(waitMs !== undefined ? { waitMs } : {}),
        now,
        signal: ctx.signal,
        onProgress: (p) => {
          if (Date.now() - lastShown < 1000) return;
          lastShown = Date.now();
          ctx.stderr.write(`${p.records} records, ${p.pages} pages, ${Math.round(p.recordsPerSecond)} records/s\n`);
        },
        ...(ctx.hooks?.afterPage ? { afterPage: ctx.hooks.afterPage } : {}),
      });
      let done: Awaited<typeof exporting>;
      try {
        done = await exporting;
      } catch (err) {
        // Stopped by a signal: whatever the error that surfaced, the export is interrupted, not failed.
        if (!ctx.signal.aborted) throw err;
        ctx.stderr.write(
          `interrupted: ${kind === 'history' ? 'the pages written so far are checkpointed in' : 'nothing is half-written in'} ${flags.out}. To resume, run the same command again.\n`,
        );
        ctx.exitCode = ExitCodes.INTERRUPTED;
        return;
      }
      ctx.stdout.write(`wrote ${done.file} (${done.bytes} bytes${done.records !== undefined ? `, ${done.records} records` : ''})\n`);
      if (done.malformed)
        ctx.stdout.write(
          `${done.malformed} malformed record${done.malformed === 1 ? '' : 's'} written as they came${done.firstProblem ? ` (first: ${done.firstProblem})` : ''}\n`,
        );
      if (done.unwritable)
        ctx.stdout.write(
          `${done.unwritable} ${done.unwritable === 1 ? 'entry that is not a record' : 'entries that are not records'} skipped${done.firstUnwritable ? ` (first: ${done.firstUnwritable})` : ''}\n`,
        );
      ctx.exitCode = 0;
    });
}
