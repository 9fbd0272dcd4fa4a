// Plain git child processes, for what simple-git does not do well: feeding stdin (shas by the
// thousand never go on a command line, which has a length limit) and streaming output that can
// be a million lines long.

import { spawn, type ChildProcess } from 'node:child_process';

/** Variables that point git at another repository (a git hook exports GIT_DIR, for one). */
const ELSEWHERE = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE'];

/**
 * The environment git runs in: ours without ELSEWHERE, messages in English (open() recognises
 * one), and never a prompt for credentials (nobody is there to answer).
 */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
  for (const k of ELSEWHERE) delete env[k];
  return env;
}

export interface RunOptions {
  /** Written to stdin, then stdin is closed. */
  input?: string;
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  ok?: number[];
  /** Run here, without --git-dir (to find the repository). */
  cwd?: string;
}

/**
 * git's complaint in one line: the first "fatal:" or "error:" line (`fetch --all` prints
 * "Fetching origin" first), without that word; else the first line.
 */
export function firstLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('hint:'));
  const line = lines.find((l) => /^(fatal|error): /.test(l)) ?? lines[0] ?? '';
  return line.replace(/^(fatal|error): /, '');
}

export class GitProcessError extends Error {
  constructor(readonly args: string[], readonly code: number | null, readonly stderr: string) {
    const command = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-c') ?? '';
    super(`git ${command}: ${firstLine(stderr) || `exit status ${code}`}`);
  }
}

function start(gitDir: string, args: string[], input: string | undefined, cwd?: string): ChildProcess {
  const where = cwd === undefined ? [`--git-dir=${gitDir}`] : [];
  const child = spawn('git', [...where, ...args], { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  // git may exit before reading all of stdin (an error); the exit status tells, not EPIPE.
  child.stdin!.on('error', () => {});
  child.stdin!.end(input ?? '');
  return child;
}

function collect(child: ChildProcess): { stderr: () => string; exit: Promise<number | null> } {
  const err: Buffer[] = [];
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  exit.catch(() => {}); // awaited by whoever needs it; never an unhandled rejection
  return { stderr: () => Buffer.concat(err).toString('utf8'), exit };
}

/** Runs git to the end; stdout as bytes. `gitDir` is ignored when `opts.cwd` is given. */
export async function runGit(gitDir: string, args: string[], opts: RunOptions = {}): Promise<{ stdout: Buffer; code: number }> {
  const child = start(gitDir, args, opts.input, opts.cwd);
  const out: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  const { stderr, exit } = collect(child);
  const code = await exit;
  if (code === null || (code !== 0 && !(opts.ok ?? []).includes(code))) throw new GitProcessError(args, code, stderr());
  return { stdout: Buffer.concat(out), code };
}

/** Runs git and yields its output split at `sep` (a byte: '\n' or '\0'), as it comes. */
export async function* streamGit(gitDir: string, args: string[], sep: '\n' | '\0', input?: string): AsyncGenerator<string> {
  const child = start(gitDir, args, input);
  const { stderr, exit } = collect(child);
  const byte = sep.charCodeAt(0);
  let rest: Buffer = Buffer.alloc(0);
  let finished = false;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      let from = 0;
      for (let at = buf.indexOf(byte); at !== -1; at = buf.indexOf(byte, from)) {
        yield buf.toString('utf8', from, at);
        from = at + 1;
      }
      rest = buf.subarray(from);
    }
    if (rest.length) yield rest.toString('utf8');
    const code = await exit;
    finished = true;
    if (code !== 0) throw new GitProcessError(args, code, stderr());
  } finally {
    // The consumer stopped early (or threw): do not leave git running.
    if (!finished && child.exitCode === null) child.kill();
  }
}
