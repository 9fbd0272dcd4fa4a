#!/usr/bin/env node
// abi-blame's command line. Each command lives in its own file; this one wires them up and turns
// bad input into one line on stderr and exit status 2.

import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, UsageError } from './errors.js';
import { layoutCommand } from './layout-command.js';

const program = new Command()
  .name('abi-blame')
  .description('Track the ABI of the Linux kernel userspace API across git history')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program
  .command('layout')
  .description('lay out every struct/union and integer macro of a header tree for the given ABIs (no database)')
  .requiredOption('--tree <dir>', 'kernel source tree or installed header tree')
  .option('--abi <list>', 'comma-separated ABIs, or "all"', 'x86_64')
  .option('--layout <kernel|installed|file>', 'tree layout: a preset or a JSON layout file (detected when absent)')
  .option('--header <path...>', 'only these headers (include paths such as linux/kvm.h)')
  .option('-j, --jobs <n>', 'worker threads (default: one per core)')
  .option('--json', 'one JSON object per ABI per line (the layout --json contract)')
  .action(layoutCommand);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE);
    if (e instanceof UsageError) {
      process.stderr.write(`abi-blame: ${e.message}\n`);
      process.exit(EXIT_USAGE);
    }
    process.stderr.write(`abi-blame: internal error: ${(e as Error).message}\n`);
    process.exit(3);
  }
}

await main();
