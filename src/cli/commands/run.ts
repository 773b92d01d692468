import type { Command } from 'commander';
import { ExitCodes, UsageError } from '../../core/errors.js';
import { FileError } from '../../core/file-error.js';
import type { EngineEvent } from '../../engine/events.js';
import { formatMessage, msg, t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';
import { checkEndpoint } from '../endpoint-option.js';
import { resumeCommand } from '../resume-command.js';
import { SANDBOX_ENDS_WITH_RUN, SANDBOX_RESUMED } from '../sandbox-notices.js';
import { collect } from './validate.js';
import { isProcessAlive } from '../process-alive.js';

interface RunFlags {
  dryRun?: boolean;
  sandbox?: boolean;
  endpoint?: string;
  start?: string;
  stateDir?: string;
  json?: boolean;
  profile?: string;
  credentials?: string;
  var: string[];
  vars?: string;
  requestTimeout?: string;
}

/** `runbook run FILE`: the lesson, unattended — or rehearsed (--sandbox), or shown (--dry-run). */
export function defineRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description(t(ctx.lang, 'cli.run.help.description'))
    .argument('<file>', t(ctx.lang, 'cli.run.help.file'))
    .option('--dry-run', t(ctx.lang, 'cli.run.help.dryRun'))
    .option('--sandbox', t(ctx.lang, 'cli.option.sandbox'))
    .option('--endpoint <url>', t(ctx.lang, 'cli.option.endpoint'))
    .option('--start <when>', t(ctx.lang, 'cli.option.start'))
    .option('--state-dir <dir>', t(ctx.lang, 'cli.run.help.stateDir'))
    .option('--json', t(ctx.lang, 'cli.run.help.json'))
    .option('--request-timeout <ms>', t(ctx.lang, 'cli.run.help.requestTimeout'))
    .option('--profile <name>', t(ctx.lang, 'cli.option.profile'))
    .option('--credentials <file>', t(ctx.lang, 'cli.option.credentialsDefault'))
    .option('--var <name=value>', t(ctx.lang, 'cli.option.var'), collect, [])
    .option('--vars <file>', t(ctx.lang, 'cli.option.vars'))
    .action(async (file: string, flags: RunFlags) => {
      if (flags.sandbox && flags.endpoint) throw new UsageError(msg('cli.usage.sandboxWithEndpoint'));
      if (flags.endpoint) checkEndpoint(flags.endpoint);
      const { runPlaybook } = await import('../../api/index.js');
      const { renderDiagnosticsText } = await import('../render/diagnostics.js');
      const { lineRenderer, liveRenderer, renderSummary } = await import('../render/progress-lines.js');
      const { inPlannedOrder } = await import('../render/planned-order.js');
      const requestTimeoutMs = flags.requestTimeout === undefined ? undefined : Number(flags.requestTimeout);
      if (requestTimeoutMs !== undefined && !(Number.isInteger(requestTimeoutMs) && requestTimeoutMs > 0))
        throw new UsageError(msg('cli.usage.requestTimeout'));
      let onEvent: ((e: EngineEvent) => void) | undefined;
      let stopLive: (() => void) | undefined;
      let plannedStart: number | undefined;
      const resumeLine = (start: number): string =>
        resumeCommand(
          {
            file,
            start,
            vars: flags.var,
            ...(flags.vars ? { varsFile: flags.vars } : {}),
            ...(flags.sandbox ? { sandbox: true } : {}),
            ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
            ...(flags.profile ? { profile: flags.profile } : {}),
            ...(flags.credentials ? { credentials: flags.credentials } : {}),
            ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
            ...(flags.requestTimeout ? { requestTimeout: flags.requestTimeout } : {}),
          },
          ctx.cwd,
          ctx.launcher,
        );
      let result: Awaited<ReturnType<typeof runPlaybook>>;
      try {
        result = await runPlaybook({
          file,
          cwd: ctx.cwd,
          env: ctx.env,
          ...(flags.start ? { start: flags.start } : {}),
          vars: flags.var,
          ...(flags.vars ? { varsFile: flags.vars } : {}),
          ...(flags.dryRun ? { dryRun: true } : {}),
          ...(flags.sandbox ? { sandbox: true } : {}),
          ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
          ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.credentials ? { credentialsFile: flags.credentials } : {}),
          ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
          signal: ctx.signal,
          onEvent: (e) => {
            if (e.type === 'start' && e.resumed && flags.sandbox) ctx.stderr.write(`runbook: ${formatMessage(SANDBOX_RESUMED, ctx.lang)}\n`);
            if (!onEvent) return;
            onEvent(e);
          },
          onJournalRepaired: (r) => ctx.stderr.write(`runbook: ${t(ctx.lang, 'cli.run.journalRepaired', { path: r.path, bytes: r.bytes })}\n`),
          onLockRecovered: (h) => ctx.stderr.write(`runbook: ${t(ctx.lang, 'cli.run.lockRecovered', { pid: h.pid, host: h.host })}\n`),
          ...(ctx.hooks?.afterJournalWrite ? { afterJournalWrite: ctx.hooks.afterJournalWrite } : {}),
          isAlive: isProcessAlive,
          pid: process.pid,
          onPlan: (plan) => {
            plannedStart = plan.event.start;
            if (flags.json) onEvent = (e) => ctx.stdout.write(`${JSON.stringify(e)}\n`);
            else if (ctx.isTTY && !flags.dryRun) {
              const live = liveRenderer(ctx.stdout, plan, ctx.color, Date.now, ctx.lang);
              onEvent = live.onEvent;
              stopLive = live.stop;
            } else onEvent = lineRenderer(ctx.stdout, plan, Boolean(flags.dryRun), ctx.lang);
            if (flags.sandbox && !flags.json) ctx.stdout.write(`${t(ctx.lang, 'cli.run.sandboxRehearsal')}\n`);
          },
        });
      } catch (err) {
        stopLive?.();
        // A full or read-only disk stops the run before it sends what it cannot journal: once that
        // is fixed, the same run resumes. (Not for a journal deleted mid-run: resuming would resend.)
        if (!(err instanceof FileError) || plannedStart === undefined) throw err;
        ctx.stderr.write(`runbook: ${err.textIn(ctx.lang)}\n${t(ctx.lang, 'cli.run.stoppedResume', { command: resumeLine(plannedStart) })}\n`);
        if (flags.sandbox) ctx.stderr.write(`${formatMessage(SANDBOX_ENDS_WITH_RUN, ctx.lang)}\n`);
        ctx.exitCode = err.exitCode;
        return;
      }
      stopLive?.();
      if (!result.plan || !result.summary) {
        ctx.stderr.write(renderDiagnosticsText(result.diagnostics, { color: ctx.color, cwd: ctx.cwd }));
        ctx.exitCode = ExitCodes.INVALID;
        return;
      }
      const s = result.summary;
      if (flags.json)
        ctx.stdout.write(
          `${JSON.stringify({ type: 'summary', runId: s.runId, interrupted: s.interrupted, actions: inPlannedOrder(s.actions, result.plan) })}\n`,
        );
      else ctx.stdout.write(`\n${renderSummary(s, result.plan, result.journal ? { journal: result.journal } : {}, ctx.lang)}`);
      if (s.interrupted) {
        const resume = resumeLine(result.plan.event.start);
        ctx.stderr.write(`${t(ctx.lang, 'cli.run.interrupted', { command: resume })}\n`);
        if (flags.sandbox) ctx.stderr.write(`${formatMessage(SANDBOX_ENDS_WITH_RUN, ctx.lang)}\n`);
        ctx.exitCode = ExitCodes.INTERRUPTED;
        return;
      }
      const has = (r: string): boolean => s.actions.some((a) => a.result === r);
      ctx.exitCode = has('failed') || has('skipped') ? ExitCodes.FAILED : has('ambiguous') ? ExitCodes.AMBIGUOUS : ExitCodes.OK;
    });
}
