// Bad input ends in one clear line on stderr and exit status 2, never a stack trace.

export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_BREAK = 1;
export const EXIT_USAGE = 2;

export function fail(message: string): never {
  throw new UsageError(message);
}
