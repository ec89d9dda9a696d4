import type { FerryErrorCode } from './codes.js';

/** Where in an input the problem was found: a field path, a file position or a byte offset. */
export interface FerryErrorLocation {
  /** Dotted path of the offending field, e.g. `dataItems[3].length`. */
  field?: string;
  /** File the problem was found in. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** Byte offset in a frame or file. */
  offset?: number;
}

/** Options accepted by {@link FerryError}. */
export interface FerryErrorOptions {
  cause?: unknown;
  location?: FerryErrorLocation;
  /** Extra machine-readable facts (never secrets). */
  details?: Record<string, unknown>;
}

/**
 * The one error class Ferry throws. Branch on {@link FerryError.code}; the message is for people.
 *
 * @example
 * ```ts
 * try {
 *   await open(frame, { me, trust });
 * } catch (err) {
 *   if (isFerryError(err, 'FERRY_REPLAY')) return; // already processed
 *   throw err;
 * }
 * ```
 */
export class FerryError extends Error {
  /** Stable code, see {@link FerryErrorCode}. */
  readonly code: FerryErrorCode;
  /** Where the problem is, when the input has positions. */
  readonly location: FerryErrorLocation | undefined;
  /** Extra machine-readable facts. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: FerryErrorCode, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FerryError';
    this.code = code;
    this.location = options.location;
    this.details = options.details;
  }

  /** A plain object for logs and HTTP error bodies (no stack, no cause internals). */
  toJSON(): {
    code: FerryErrorCode;
    message: string;
    location?: FerryErrorLocation;
    details?: Record<string, unknown>;
  } {
    return {
      code: this.code,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/**
 * True when `err` is a {@link FerryError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isFerryError(err, 'FERRY_CERT_EXPIRED')) renewCertificate();
 * ```
 */
export function isFerryError(err: unknown, code?: FerryErrorCode): err is FerryError {
  return err instanceof FerryError && (code === undefined || err.code === code);
}
