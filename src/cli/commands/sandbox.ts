import type { Command } from 'commander';
import { RunbookError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

/** Placeholder until the command is built; see the open issues. */
export function defineSandbox(program: Command, _ctx: CliContext): void {
  program
    .command('sandbox')
    .description('not built yet')
    .action(() => {
      throw new RunbookError('E_NOT_BUILT', 'sandbox is not built yet');
    });
}
