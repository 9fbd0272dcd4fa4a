// A database the user pointed us at that cannot be used (unreachable, bad URL, locked, unreadable
// folder) is bad input, not a crash: it extends the CLI's UsageError so main.ts prints the message as
// one line and exits 2. Messages are single-line by construction (see oneLine).

import { UsageError } from '../cli/errors.js';

export class StoreInputError extends UsageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(oneLine(message), options);
    this.name = 'StoreInputError';
  }
}

/** Collapses driver messages (some span lines, some are empty) into one readable line. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A short reason for a connection/open failure, from Node, pg or PGlite errors. */
export function describeError(e: unknown): string {
  const err = e as { code?: string; message?: string; errors?: unknown[]; hostname?: string } | undefined;
  switch (err?.code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ENOTFOUND': case 'EAI_AGAIN': return `host ${err.hostname ?? ''} not found`.replace('  ', ' ');
    case 'ETIMEDOUT': return 'connection timed out';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'host unreachable';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOTDIR': case 'EEXIST': return 'not a directory';
  }
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  if (err?.errors?.length) return describeError(err.errors[0]);
  const msg = oneLine(err?.message ?? String(e));
  if (/timeout/i.test(msg)) return 'connection timed out';
  return msg || 'unknown error';
}
