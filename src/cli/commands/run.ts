import type { Command } from 'commander';
import { RunbookError } from '../../core/errors.js';
import type { CliContext } from '../context.js';

/** Placeholder until the command is built; see the open issues. */
export function defineRun(program: Command, _ctx: CliContext): void {
  program
    .command('run')
    .description('not built yet')
    .action(() => {
      throw new RunbookError('E_NOT_BUILT', 'run is not built yet');
    });
}
