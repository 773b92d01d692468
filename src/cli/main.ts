import { Command, CommanderError } from 'commander';
import { RunbookError } from '../core/errors.js';
import { t } from '../i18n/index.js';
import type { CliContext, CliContextInput } from './context.js';
import { localizedCommanderError, localizedHelp } from './help.js';
import { cliLanguage, languageWithoutFlag } from './language-option.js';
import { VERSION } from './version.js';
import { defineValidate } from './commands/validate.js';
import { definePlan } from './commands/plan.js';
import { defineRun } from './commands/run.js';
import { defineStatus } from './commands/status.js';
import { defineSandbox } from './commands/sandbox.js';
import { defineExport } from './commands/export.js';
import { defineServe } from './commands/serve.js';

/**
 * The CLI is a thin shell: it parses flags, calls the library, renders the result and maps errors to
 * exit codes. Command files define their flags here but load their implementation lazily inside the
 * action, so `runbook --version` and `--help` never pay for ajv, luxon or undici.
 */
export async function main(argv: readonly string[], input: CliContextInput): Promise<number> {
  let ctx: CliContext;
  try {
    ctx = { ...input, lang: cliLanguage(argv, input.env) };
  } catch (err) {
    return reportError(err, { ...input, lang: languageWithoutFlag(input.env) });
  }
  const { lang } = ctx;
  const program = new Command()
    .name('runbook')
    .description(t(lang, 'cli.help.program'))
    .version(VERSION, '-V, --version', t(lang, 'cli.help.version'))
    // Read by cliLanguage before the program is built; declared so every command accepts it and lists it.
    .option('--lang <language>', t(lang, 'cli.help.lang'))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(localizedCommanderError(s, lang)),
    })
    // Set on the program before the commands are defined: each command copies these when created.
    .configureHelp(localizedHelp(lang))
    .helpOption('-h, --help', t(lang, 'cli.help.helpOption'))
    .helpCommand('help [command]', t(lang, 'cli.help.helpCommand'))
    .showHelpAfterError(t(lang, 'cli.help.afterError'));

  defineValidate(program, ctx);
  definePlan(program, ctx);
  defineRun(program, ctx);
  defineStatus(program, ctx);
  defineSandbox(program, ctx);
  defineExport(program, ctx);
  defineServe(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return reportError(err, ctx);
  }
}

function reportError(err: unknown, ctx: CliContext): number {
  if (err instanceof CommanderError) {
    // Help and version "errors" are commander's way of stopping; their output is already written.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (err instanceof RunbookError) {
    ctx.stderr.write(`runbook: ${err.textIn(ctx.lang)}\n`);
    return err.exitCode;
  }
  // An error nobody anticipated: one line for the user, the stack only on request.
  const message = err instanceof Error ? err.message : String(err);
  ctx.stderr.write(`runbook: ${t(ctx.lang, 'cli.error.internal', { message })}\n`);
  if (ctx.env['RUNBOOK_DEBUG'] && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack}\n`);
  return 70;
}
