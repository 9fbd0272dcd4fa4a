#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node
// (MALLOC_ARENA_MAX: glibc's malloc otherwise keeps an arena per thread, and an index run's worker
// threads leave memory in theirs. Over the whole synthetic history one arena peaked 134 MiB under two
// at the same speed, and two 110-150 MiB under one per thread, BENCHMARKS.md. The bench scripts
// read this line to run a build as it is installed.)
// abi-blame's command line. Each command lives in its own file; this one wires them up and turns
// bad input into one line on stderr and exit status 2.

import { Command, CommanderError } from 'commander';
import { EXIT_USAGE, UsageError } from './errors.js';
import { VERSION } from './version.js';

/** A command's module is loaded when it runs: `abi-blame SYMBOL` should not load the indexer or the engine. */
const lazy = <A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void>>) =>
  async (...args: A): Promise<void> => (await load())(...args);

const program = new Command()
  .name('abi-blame')
  .description('Track the ABI of the Linux kernel userspace API across git history')
  .version(VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const queryOptions = (c: Command): Command => c
  .option('--repo <dir>', 'the indexed git repository (default: the current directory)')
  .option('--db <url>', 'postgres:// URL (default: DATABASE_URL, else the embedded database in the git dir)')
  .option('--abi <list>', 'comma-separated ABIs (default: every indexed one)');

queryOptions(program
  .command('blame', { isDefault: true })
  .description('timeline of a struct, union, member path, macro or ioctl: who changed it, when, and whom it broke (the default command: abi-blame SYMBOL)')
  .argument('<symbol>', 'kvm_run, struct kvm_run, kvm_run.system_event.flags, KVM_CAP_ARM_PSCI_0_2, KVM_GET_XSAVE2; HEADER:NAME picks a header'))
  .option('--json', 'machine-readable output (the blame --json contract)')
  .action(lazy(async () => (await import('./blame-command.js')).blameCommand));

queryOptions(program
  .command('show')
  .description('a struct or union as pahole prints it (offsets, sizes, holes, padding), or a macro\'s value, at an indexed commit')
  .argument('<symbol>', 'kvm_run, kvm_run.system_event, KVM_RUN'))
  .option('--at <rev>', 'any revision; its nearest indexed commit is used (default: HEAD)')
  .option('--json', 'machine-readable output, one object per ABI per line')
  .action(lazy(async () => (await import('./show-command.js')).showCommand));

queryOptions(program
  .command('diff')
  .description('every ABI change between two revisions, with a verdict per ABI; exit 1 when a change breaks userspace')
  .argument('<rev-a>', 'the old revision (tag, branch, sha)')
  .argument('<rev-b>', 'the new revision'))
  .option('--format <format>', 'text (80 columns, for mail), md, json, html (one file, with byte maps) or sarif', 'text')
  .option('--json', 'same as --format json')
  .option('--header <path...>', 'only these headers (linux/kvm.h; a path ending in / covers a directory)')
  .option('--allow <file>', 'acknowledged breaks: reported, but not a failure (see README)')
  .option('-o, --output <file>', 'write the report to a file')
  .option('--layout <kernel|installed|file>', 'tree layout when the repository is not indexed (detected when absent)')
  .option('--no-index', 'lay out both revisions from git even when they are indexed')
  .action(lazy(async () => (await import('./diff-command.js')).diffCommand));

program
  .command('layout')
  .description('lay out every struct/union and integer macro of a header tree for the given ABIs (no database)')
  .requiredOption('--tree <dir>', 'kernel source tree or installed header tree')
  .option('--abi <list>', 'comma-separated ABIs, or "all"', 'x86_64')
  .option('--layout <kernel|installed|file>', 'tree layout: a preset or a JSON layout file (detected when absent)')
  .option('--header <path...>', 'only these headers (include paths such as linux/kvm.h)')
  .option('-j, --jobs <n>', 'worker threads (default: one per core)')
  .option('--json', 'one JSON object per ABI per line (the layout --json contract)')
  .action(lazy(async () => (await import('./layout-command.js')).layoutCommand));

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
  .option('--worker-heap <MiB>', 'cap each layout worker\'s heap (default 600; 0: no cap)')
  .option('--json', 'print the summary as JSON')
  .option('-q, --quiet', 'no progress output')
  .action(lazy(async () => (await import('./index-command.js')).indexCommand));

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
