// The `ferry` command tree, and running it with errors mapped to one line and an exit code.
import { Command, CommanderError } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { registerCatalogCommands } from './commands/catalog.js';
import { registerConnectorCommands } from './commands/connector.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerHubCommands } from './commands/hub.js';
import { registerPkiCommands } from './commands/pki.js';
import { ExitCode, exitCodeFor, formatError } from './util/errors.js';
import { type CliIo, processIo } from './util/io.js';

/**
 * Builds the `ferry` commander program. Output goes through `io`, and commander never exits the process
 * (errors are thrown as `CommanderError`), so tests can run commands in-process.
 *
 * @example
 * ```ts
 * const out: string[] = [];
 * const program = createProgram({ stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {} });
 * await program.parseAsync(['pki', 'init-ca', '--dir', tmp], { from: 'user' });
 * ```
 */
export function createProgram(io: CliIo = processIo()): Command {
  const program = new Command('ferry')
    .description('Ferry: signed, encrypted data exchange for government data sharing (政务信息资源共享交换)')
    .version(packageJson.version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();
  registerConnectorCommands(program, io);
  registerCatalogCommands(program, io);
  registerPkiCommands(program, io);
  registerDemoCommand(program, io);
  registerHubCommands(program, io);
  // Subcommands inherit the output and exit behaviour.
  for (const command of allCommands(program)) {
    command.configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) }).exitOverride();
  }
  return program;
}

/**
 * Runs `ferry` with `argv` (the arguments after the program name) and returns the exit code: 0 on success,
 * 2 for usage and configuration errors, 1 for anything else. Errors are printed as
 * `error FERRY_CODE: message`; stack traces only when `FERRY_DEBUG=1`.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed its message (or the help) already.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    io.stderr(formatError(err, io.env.FERRY_DEBUG === '1'));
    return exitCodeFor(err);
  }
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}
