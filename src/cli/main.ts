#!/usr/bin/env node
// abi-blame's command line. Each command lives in its own file; this one wires them up and turns
// bad input into one line on stderr and exit status 2.

import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, UsageError } from './errors.js';
import { indexCommand } from './index-command.js';
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

program
  .command('index')
  .description('index the uapi header history of a git repository into the database')
  .argument('[repo]', 'git repository (default: the current directory)')
  .option('--layout <kernel|installed|file>', 'tree layout: a preset or a JSON layout file (detected when absent)')
  .option('--abi <list>', 'comma-separated ABIs, or "all"', 'all')
  .option('--ref <ref...>', 'refs to index (default: the current branch and every tag)')
  .option('--db <url>', 'postgres:// URL (default: DATABASE_URL, else an embedded database in the git dir)')
  .option('--fetch', 'git fetch first')
  .option('--full', 'forget what is stored for this repository and index it again')
  .option('--wait', 'wait for another run on the same database and repository instead of failing')
  .option('-j, --jobs <n>', 'worker threads (default: one per core)')
  .option('--json', 'print the summary as JSON')
  .option('-q, --quiet', 'no progress output')
  .action(indexCommand);

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
