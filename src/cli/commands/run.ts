import type { Command } from 'commander';
import { ExitCodes, UsageError } from '../../core/errors.js';
import { FileError } from '../../core/file-error.js';
import type { EngineEvent } from '../../engine/events.js';
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
    .description('run a playbook: send each action at its time, journal it, resume after a crash')
    .argument('<file>', 'playbook file')
    .option('--dry-run', 'run on a virtual clock: no network, no journal; print every call it would make')
    .option('--sandbox', 'start the built-in sandbox and run against it with its demo credentials')
    .option('--endpoint <url>', 'the platform base URL (default https://api.polyv.net)')
    .option('--start <when>', 'move the event start: ISO time, now, or now+DURATION')
    .option('--state-dir <dir>', 'where the journal and lock live (default .runbook/ beside the playbook)')
    .option('--json', 'print progress as JSON lines')
    .option('--request-timeout <ms>', 'give up waiting for an answer after this many ms (default 15000); a send that times out is ambiguous')
    .option('--profile <name>', 'credentials profile (credentials file)')
    .option('--credentials <file>', 'credentials file (default ~/.config/runbook/credentials.yaml)')
    .option('--var <name=value>', 'set a variable (repeatable)', collect, [])
    .option('--vars <file>', 'a YAML/JSON file of variables')
    .action(async (file: string, flags: RunFlags) => {
      if (flags.sandbox && flags.endpoint) throw new UsageError('--sandbox and --endpoint exclude each other');
      if (flags.endpoint) checkEndpoint(flags.endpoint);
      const { runPlaybook } = await import('../../api/index.js');
      const { renderDiagnosticsText } = await import('../render/diagnostics.js');
      const { lineRenderer, liveRenderer, renderSummary } = await import('../render/progress-lines.js');
      const { inPlannedOrder } = await import('../render/planned-order.js');
      const requestTimeoutMs = flags.requestTimeout === undefined ? undefined : Number(flags.requestTimeout);
      if (requestTimeoutMs !== undefined && !(Number.isInteger(requestTimeoutMs) && requestTimeoutMs > 0))
        throw new UsageError('--request-timeout must be a positive number of milliseconds');
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
            if (e.type === 'start' && e.resumed && flags.sandbox) ctx.stderr.write(SANDBOX_RESUMED);
            if (!onEvent) return;
            onEvent(e);
          },
          onJournalRepaired: (r) =>
            ctx.stderr.write(`runbook: repaired the journal ${r.path}: cut off a torn last line (${r.bytes} bytes of a record never written whole)\n`),
          onLockRecovered: (h) => ctx.stderr.write(`runbook: took over the lock of pid ${h.pid} on ${h.host}, which is no longer running\n`),
          ...(ctx.hooks?.afterJournalWrite ? { afterJournalWrite: ctx.hooks.afterJournalWrite } : {}),
          isAlive: isProcessAlive,
          pid: process.pid,
          onPlan: (plan) => {
            plannedStart = plan.event.start;
            if (flags.json) onEvent = (e) => ctx.stdout.write(`${JSON.stringify(e)}\n`);
            else if (ctx.isTTY && !flags.dryRun) {
              const live = liveRenderer(ctx.stdout, plan, ctx.color, Date.now);
              onEvent = live.onEvent;
              stopLive = live.stop;
            } else onEvent = lineRenderer(ctx.stdout, plan, Boolean(flags.dryRun));
            if (flags.sandbox && !flags.json) ctx.stdout.write('rehearsal against the built-in sandbox (demo credentials)\n');
          },
        });
      } catch (err) {
        stopLive?.();
        // A full or read-only disk stops the run before it sends what it cannot journal: once that
        // is fixed, the same run resumes. (Not for a journal deleted mid-run: resuming would resend.)
        if (!(err instanceof FileError) || plannedStart === undefined) throw err;
        ctx.stderr.write(`runbook: ${err.message}\nthe run stopped; once that is fixed, resume with: ${resumeLine(plannedStart)}\n`);
        if (flags.sandbox) ctx.stderr.write(SANDBOX_ENDS_WITH_RUN);
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
      else ctx.stdout.write(`\n${renderSummary(s, result.plan, result.journal ? { journal: result.journal } : {})}`);
      if (s.interrupted) {
        const resume = resumeLine(result.plan.event.start);
        ctx.stderr.write(`interrupted: the journal is consistent. To resume: ${resume}\n`);
        if (flags.sandbox) ctx.stderr.write(SANDBOX_ENDS_WITH_RUN);
        ctx.exitCode = ExitCodes.INTERRUPTED;
        return;
      }
      const has = (r: string): boolean => s.actions.some((a) => a.result === r);
      ctx.exitCode = has('failed') || has('skipped') ? ExitCodes.FAILED : has('ambiguous') ? ExitCodes.AMBIGUOUS : ExitCodes.OK;
    });
}
