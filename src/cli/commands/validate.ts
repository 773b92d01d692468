import type { Command } from 'commander';
import { RunbookError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

/** Placeholder until the command is built; see the open issues. */
export function defineValidate(program: Command, _ctx: CliContext): void {
  program
    .command('validate')
    .description('not built yet')
    .action(() => {
      throw new RunbookError('E_NOT_BUILT', 'validate is not built yet');
    });
}
