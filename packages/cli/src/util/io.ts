// Where the CLI writes and what it reads from the environment, passed in so that tests run commands in-process.

/** The CLI's connection to the outside world. */
export interface CliIo {
  /** Writes text to standard output, as given (no newline added). */
  stdout(text: string): void;
  /** Writes text to standard error, as given (no newline added). */
  stderr(text: string): void;
  /** Environment variables (secrets are read from here, never from arguments). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Which outputs are terminals: pretty logs need standard output to be one, progress bars are drawn on
   * standard error when it is one. Absent when output is captured (tests, embedding).
   */
  tty?: { stdout: boolean; stderr: NodeJS.WriteStream | undefined };
}

/** The real process: `process.stdout`, `process.stderr`, `process.env`. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    tty: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY ? process.stderr : undefined },
  };
}

/** Writes lines to standard output. */
export function printLines(io: CliIo, lines: readonly string[]): void {
  if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
}
