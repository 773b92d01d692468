import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { msg, t } from '../../i18n/index.js';
import type { CliContext } from '../context.js';

interface ValidateFlags {
  format: string;
  var: string[];
  vars?: string;
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `runbook validate FILE…`: schema and every rule, no network, no credentials. Exit 0 valid, 1 invalid, 2 usage. */
export function defineValidate(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description(t(ctx.lang, 'cli.validate.help.description'))
    .argument('<files...>', t(ctx.lang, 'cli.validate.help.files'))
    .option('--format <format>', t(ctx.lang, 'cli.validate.help.format'), 'text')
    .option('--var <name=value>', t(ctx.lang, 'cli.validate.help.var'), collect, [])
    .option('--vars <file>', t(ctx.lang, 'cli.option.vars'))
    .action(async (files: string[], flags: ValidateFlags) => {
      if (!['text', 'json', 'github'].includes(flags.format)) throw new UsageError(msg('cli.usage.validateFormat', { value: JSON.stringify(flags.format) }));
      const { validateFiles } = await import('../../api/pipeline.js');
      const { renderDiagnosticsText, renderDiagnosticsGithub, diagnosticJson } = await import('../render/diagnostics.js');
      const result = await validateFiles(files, { cwd: ctx.cwd, vars: flags.var, ...(flags.vars ? { varsFile: flags.vars } : {}) }, ctx.signal);
      const unreadable = result.files.find((f) => f.unreadable);
      if (unreadable) throw new UsageError(unreadable.diagnostics[0]!.message);
      const all = [...result.files.flatMap((f) => f.diagnostics), ...result.crossFile];
      if (flags.format === 'json') {
        ctx.stdout.write(
          `${JSON.stringify({ ok: result.ok, files: result.files.map((f) => ({ file: f.file, ok: !f.diagnostics.some((d) => d.severity === 'error'), diagnostics: f.diagnostics.map((d) => diagnosticJson(d, ctx.lang)) })), crossFile: result.crossFile.map((d) => diagnosticJson(d, ctx.lang)) }, null, 2)}\n`,
        );
      } else if (flags.format === 'github') {
        ctx.stdout.write(renderDiagnosticsGithub(all, ctx.lang));
      } else {
        ctx.stdout.write(renderDiagnosticsText(all, { color: ctx.color, cwd: ctx.cwd, lang: ctx.lang }));
        const errors = all.filter((d) => d.severity === 'error').length;
        const warnings = all.length - errors;
        ctx.stdout.write(
          `${result.ok ? t(ctx.lang, 'cli.validate.summaryValid', { files: files.length, warnings }) : t(ctx.lang, 'cli.validate.summaryInvalid', { errors, warnings })}\n`,
        );
      }
      ctx.exitCode = result.ok ? 0 : 1;
    });
}
