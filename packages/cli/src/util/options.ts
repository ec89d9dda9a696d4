// Option parsers shared by commands; a bad value is a commander usage error (exit code 2).
import { InvalidArgumentError } from 'commander';

/** Parses a positive integer option value. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return n;
}

/** Parses a positive number option value (fractions allowed). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** Key algorithms the CLI offers. */
export const KEY_ALGORITHMS = ['rsa', 'ec-p256', 'sm2'] as const;
