// How the CLI reports failures: one line per error, a stable code, and an exit code scripts can branch on.
import { FerryError, type FerryErrorLocation, isFerryError } from '@ferry/sdk';

/** Error codes that mean the command line or a configuration is wrong: exit code 2. */
const USAGE_CODES: ReadonlySet<string> = new Set(['FERRY_INVALID_ARGUMENT', 'FERRY_CONFIG_INVALID']);

/** Exit codes of the `ferry` command. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** A usage error (exit code 2): a bad option, a missing file, a file that would be overwritten. */
export function usageError(message: string, location?: FerryErrorLocation): FerryError {
  return new FerryError('FERRY_INVALID_ARGUMENT', message, location ? { location } : {});
}

/** The exit code for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  return isFerryError(err) && USAGE_CODES.has(err.code) ? ExitCode.usage : ExitCode.failure;
}

/** `error FERRY_CODE: message`, then the location and, with `FERRY_DEBUG=1`, the stack and causes. */
export function formatError(err: unknown, debug: boolean): string {
  const lines: string[] = [];
  if (isFerryError(err)) {
    lines.push(`error ${err.code}: ${err.message}`);
    const where = describeLocation(err.location);
    if (where) lines.push(`  at ${where}`);
  } else {
    lines.push(`error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (debug) {
    let current: unknown = err;
    for (let depth = 0; current instanceof Error && depth < 8; depth++) {
      lines.push(depth === 0 ? (current.stack ?? '') : `caused by: ${current.stack ?? current.message}`);
      current = current.cause;
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeLocation(location: FerryErrorLocation | undefined): string | undefined {
  if (!location) return undefined;
  const parts: string[] = [];
  if (location.file) {
    let file = location.file;
    if (location.line !== undefined) file += `:${location.line}`;
    if (location.line !== undefined && location.column !== undefined) file += `:${location.column}`;
    parts.push(file);
  } else if (location.line !== undefined) {
    parts.push(`line ${location.line}`);
  }
  if (location.field) parts.push(`field ${location.field}`);
  if (location.offset !== undefined) parts.push(`byte offset ${location.offset}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
