// Structured logs of the daemon: pino JSON lines (one object per line, for journald, Loki, ELK), or short
// human lines on a terminal. Secrets are blanked out of every line after it is serialized, so nothing —
// a driver's error message, a stack — can carry one out. Rows are never logged, only counts.
import pino, { type Logger } from 'pino';
import { redactSecrets } from './interpolate.js';
import { formatPrettyLine } from './pretty-log.js';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: string;
  /** `pretty` is honoured only when `tty` is true: files and pipes always get JSON lines. */
  format: 'json' | 'pretty';
  /** Where lines go (without buffering: the daemon may be killed at any time). */
  write: (line: string) => void;
  /** Whether the output is a terminal. */
  tty: boolean;
  /** Values to blank out (interpolated passwords). */
  secrets: readonly string[];
}

/**
 * A pino logger writing synchronously through `write`. Synchronous on purpose: a worker-thread transport
 * loses its last lines when the process is killed, and those are the lines that explain why.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info', format: 'json', write: (l) => process.stdout.write(l), tty: false, secrets });
 * log.info({ resource: '101001/000001', rows: 1000 }, 'batch written');
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.format === 'pretty' && options.tty;
  const stream = {
    write(line: string) {
      const safe = options.secrets.length > 0 ? redactSecrets(line, options.secrets) : line;
      options.write(pretty ? formatPrettyLine(safe, true) : safe);
    },
  };
  return pino(
    {
      level: options.level,
      base: { name: 'ferry-connector', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Keys that could carry a connection (and so a password) are never logged whole.
      redact: { paths: ['connection', '*.connection', 'password', '*.password'], censor: '***' },
    },
    stream,
  );
}

export type { Logger };
