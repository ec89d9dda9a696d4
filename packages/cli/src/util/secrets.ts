import { usageError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * Reads a passphrase or password from the environment variable an option names. Secrets never come from
 * the command line itself, where `ps` and shell history would show them.
 */
export function secretFromEnv(io: CliIo, variable: string | undefined, option: string): string | undefined {
  if (variable === undefined) return undefined;
  const value = io.env[variable];
  if (value === undefined || value === '') {
    throw usageError(`${option} names the environment variable ${variable}, which is not set or empty`);
  }
  return value;
}
