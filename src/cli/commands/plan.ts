import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCodes, UsageError } from '../../core/errors.js';
import { t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';
import { collect } from './validate.js';

interface PlanFlags {
  json?: boolean;
  verbose?: boolean;
  start?: string;
  var: string[];
  vars?: string;
  html?: string;
}

/** `runbook plan FILE`: the resolved timeline, readable or as JSON. */
export function definePlan(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description(t(ctx.lang, 'cli.plan.help.description'))
    .argument('<file>', t(ctx.lang, 'cli.plan.help.file'))
    .option('--json', t(ctx.lang, 'cli.plan.help.json'))
    .option('--verbose', t(ctx.lang, 'cli.plan.help.verbose'))
    .option('--start <when>', t(ctx.lang, 'cli.option.start'))
    .option('--var <name=value>', t(ctx.lang, 'cli.option.var'), collect, [])
    .option('--vars <file>', t(ctx.lang, 'cli.option.vars'))
    .option('--html <out>', t(ctx.lang, 'cli.plan.help.html'))
    .action(async (file: string, flags: PlanFlags) => {
      const { planFile } = await import('../../api/pipeline.js');
      const { renderDiagnosticsText } = await import('../render/diagnostics.js');
      const { writePlanJson, renderPlanText } = await import('../render/plan.js');
      // The clock is always given: a check-in already past is reported (RB4014) by a plain `plan` too.
      const now = Date.now();
      const result = planFile(file, {
        cwd: ctx.cwd,
        vars: flags.var,
        now,
        ...(flags.vars ? { varsFile: flags.vars } : {}),
        ...(flags.start ? { start: flags.start } : {}),
      });
      if (result.unreadable) throw new UsageError(result.diagnostics[0]!.message);
      const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
      if (!result.plan) {
        ctx.stderr.write(renderDiagnosticsText(result.diagnostics, { color: ctx.color, cwd: ctx.cwd }));
        ctx.exitCode = ExitCodes.INVALID;
        return;
      }
      if (flags.html) (await import('../../serve/plan-html.js')).writePlanHtml(resolve(ctx.cwd, flags.html), result.plan, ctx.lang);
      if (flags.json) {
        // Written in ~64 KB pieces: neither one huge string nor a write per action.
        let buf = '';
        const write = (t: string): void => {
          buf += t;
          if (buf.length > 65_536) {
            ctx.stdout.write(buf);
            buf = '';
          }
        };
        writePlanJson(write, result.plan, warnings, ctx.cwd);
        ctx.stdout.write(buf);
      } else ctx.stdout.write(renderPlanText(result.plan, warnings, { color: ctx.color, cwd: ctx.cwd, verbose: flags.verbose === true, lang: ctx.lang }));
      ctx.exitCode = 0;
    });
}
