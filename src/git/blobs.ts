// Blob texts by id. Headers are read as latin1 (one char per byte), as FsTree reads files, so
// any byte sequence round-trips and equal blobs give equal text.
//
// Two readers: `git cat-file --batch` (one long-lived process, requests pipelined) and
// isomorphic-git in-process. BENCHMARKS.md ("Reading blobs") compares them; the indexer uses
// cat-file.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { gitEnv } from './run.js';

export interface BlobReader {
  /** Text of each blob (latin1). Rejects if one is missing or not a blob. */
  read(oids: string[]): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export type BlobReaderKind = 'cat-file' | 'isomorphic-git';

export async function openBlobReader(gitDir: string, kind: BlobReaderKind): Promise<BlobReader> {
  return kind === 'cat-file' ? new CatFileBlobReader(gitDir) : new IsoGitBlobReader(gitDir);
}

// An oid and nothing else: cat-file would take `HEAD:path` or a newline as a request too.
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function checkOids(oids: string[]): string[] {
  const unique = [...new Set(oids)];
  const bad = unique.find((o) => !OID.test(o));
  if (bad !== undefined) throw new Error(`not a blob id: '${bad}'`);
  return unique;
}

/** One read() call waiting for its blobs. */
interface Request {
  texts: Map<string, string>;
  left: number;
  error?: Error;
  resolve: (m: Map<string, string>) => void;
  reject: (e: Error) => void;
}

/**
 * One `git cat-file --batch` for the reader's life. Every oid asked for is written at once; git
 * answers in order with "<oid> blob <size>\n<bytes>\n" (or "<oid> missing\n"), so a queue of
 * who asked for what is all the bookkeeping the stream needs.
 */
export class CatFileBlobReader implements BlobReader {
  private readonly git: ChildProcessWithoutNullStreams;
  private readonly queue: { oid: string; req: Request }[] = [];
  private head = 0; // queue[head] is the next answer's
  private chunks: Buffer[] = [];
  private buffered = 0;
  private body: { oid: string; type: string; size: number } | undefined;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(gitDir: string) {
    this.git = spawn('git', [`--git-dir=${gitDir}`, 'cat-file', '--batch'], { env: gitEnv() });
    const stderr: Buffer[] = [];
    this.git.stderr.on('data', (b: Buffer) => stderr.push(b));
    this.git.stdout.on('data', (b: Buffer) => this.onData(b));
    this.git.stdin.on('error', () => {}); // reported by 'close' below
    this.exited = new Promise((resolve) => {
      const fail = (why: string): void => {
        this.failure ??= new Error(`git cat-file: ${why}`);
        this.failAll();
        resolve();
      };
      this.git.on('error', (e) => fail(e.message));
      this.git.on('close', (code) => fail(Buffer.concat(stderr).toString('utf8').trim() || `exited with status ${code}`));
    });
  }

  read(oids: string[]): Promise<Map<string, string>> {
    return new Promise((resolve, reject) => {
      const unique = checkOids(oids); // a throw here rejects
      const req: Request = { texts: new Map(), left: unique.length, resolve, reject };
      if (this.failure) return reject(this.failure);
      if (unique.length === 0) return resolve(req.texts);
      for (const oid of unique) this.queue.push({ oid, req });
      this.git.stdin.write(unique.join('\n') + '\n');
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('blob reader closed');
    this.git.stdin.end();
    await this.exited;
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (!this.body) {
        const buf = this.joined();
        const nl = buf.indexOf(10);
        if (nl === -1) return;
        const [oid, type, size] = buf.toString('latin1', 0, nl).split(' ');
        this.consume(buf, nl + 1);
        if (size === undefined) this.answer(oid!, undefined, `blob ${oid} is ${type}`); // "missing", "ambiguous"
        else this.body = { oid: oid!, type: type!, size: Number(size) };
      } else {
        const { oid, type, size } = this.body;
        if (this.buffered < size + 1) return; // the content and its newline
        const buf = this.joined();
        const text = buf.toString('latin1', 0, size);
        this.consume(buf, size + 1);
        this.body = undefined;
        this.answer(oid, type === 'blob' ? text : undefined, `${oid} is a ${type}, not a blob`);
      }
    }
  }

  /** All buffered bytes as one Buffer (copied only when they came in several chunks). */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(buf: Buffer, n: number): void {
    this.chunks = n < buf.length ? [buf.subarray(n)] : [];
    this.buffered -= n;
  }

  private answer(oid: string, text: string | undefined, problem: string): void {
    const next = this.queue[this.head];
    if (!next) return; // nothing asked: cannot happen while git answers in order
    this.queue[this.head++] = undefined!; // let the text go once delivered
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    const { req } = next;
    if (next.oid !== oid) req.error ??= new Error(`git cat-file answered ${oid} for ${next.oid}`);
    else if (text === undefined) req.error ??= new Error(problem);
    else req.texts.set(oid, text);
    if (--req.left === 0) {
      if (req.error) req.reject(req.error);
      else req.resolve(req.texts);
    }
  }

  private failAll(): void {
    const pending = new Set(this.queue.slice(this.head).map((q) => q.req));
    this.queue.length = 0;
    this.head = 0;
    for (const req of pending) req.reject(this.failure!);
  }
}

/** isomorphic-git is large and only this reader needs it: loaded on first use. */
const isoGit = (): Promise<typeof import('isomorphic-git')> => import('isomorphic-git');

/**
 * isomorphic-git, in-process. The shared cache keeps parsed pack indexes (and the packs
 * themselves, which isomorphic-git reads whole into memory) between calls.
 */
export class IsoGitBlobReader implements BlobReader {
  private readonly cache = {};

  constructor(private readonly gitDir: string) {}

  async read(oids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const oid of checkOids(oids)) {
      const { blob } = await (await isoGit()).readBlob({ fs, gitdir: this.gitDir, oid, cache: this.cache });
      out.set(oid, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('latin1'));
    }
    return out;
  }

  async close(): Promise<void> {}
}
