import type { Command } from 'commander';
import { ExitCodes, UsageError } from '../../core/errors.js';
import { msg, t } from '../../i18n/index.js';
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
      if (kind !== 'chat' && kind !== 'history' && kind !== 'report') throw new UsageError(msg('cli.usage.exportKind', { value: JSON.stringify(kind) }));
      if (flags.format !== 'jsonl' && flags.format !== 'csv') throw new UsageError(msg('cli.usage.exportFormat'));
      if (flags.sandbox && flags.endpoint) throw new UsageError(msg('cli.usage.sandboxWithEndpoint'));
      if (flags.endpoint) checkEndpoint(flags.endpoint);
      // Only the export pipeline: no schema, template or YAML modules in this process.
      const { exportOneOff } = await import('../../api/export.js');
      const { parseDuration } = await import('../../core/duration.js');
      const waitMs = flags.wait ? parseDuration(flags.wait) : undefined;
      if (flags.wait && waitMs === undefined) throw new UsageError(msg('cli.usage.wait', { value: flags.wait }));
      let lastShown = 0;
      const now = Date.now();
      if (kind === 'history') {
        // One-off, the window is not the event's: say which it is before anything else.
        const { historyWindow } = await import('../../api/export.js');
        const w = historyWindow(flags.from, flags.to, now);
        // No event here, so no event zone: the window is said in UTC, as ISO times (what --from/--to take).
        ctx.stdout.write(
          `${t(ctx.lang, 'cli.export.historyWindow', { channel: flags.channel!, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), defaulted: flags.from === undefined ? 'yes' : 'no' })}\n`,
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
          ctx.stderr.write(`${t(ctx.lang, 'cli.export.progress', { records: p.records, pages: p.pages, rate: Math.round(p.recordsPerSecond) })}\n`);
        },
        ...(ctx.hooks?.afterPage ? { afterPage: ctx.hooks.afterPage } : {}),
      });
      let done: Awaited<typeof exporting>;
      try {
        done = await exporting;
      } catch (err) {
        // Stopped by a signal: whatever the error that surfaced, the export is interrupted, not failed.
        if (!ctx.signal.aborted) throw err;
        ctx.stderr.write(`${t(ctx.lang, kind === 'history' ? 'cli.export.interruptedHistory' : 'cli.export.interrupted', { dir: flags.out })}\n`);
        ctx.exitCode = ExitCodes.INTERRUPTED;
        return;
      }
      ctx.stdout.write(`${t(ctx.lang, 'cli.export.wrote', { file: done.file, bytes: done.bytes, records: done.records ?? 'none' })}\n`);
      if (done.malformed)
        ctx.stdout.write(`${t(ctx.lang, 'cli.export.malformed', { count: done.malformed, first: done.firstProblemText ?? done.firstProblem ?? 'none' })}\n`);
      if (done.unwritable)
        ctx.stdout.write(
          `${t(ctx.lang, 'cli.export.unwritable', { count: done.unwritable, first: done.firstUnwritableText ?? done.firstUnwritable ?? 'none' })}\n`,
        );
      ctx.exitCode = 0;
    });
}
