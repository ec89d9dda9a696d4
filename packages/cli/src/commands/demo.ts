// `ferry demo`: the exchange loop end to end on this machine, in a temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DEMO_SUITES } from '../demo/context.js';
import { runDemo } from '../demo/run-demo.js';
import type { CliIo } from '../util/io.js';
import { positiveNumber } from '../util/options.js';

/** Adds `ferry demo` to `program`. */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description(
      'run the exchange loop locally: PKI, envelopes, refusals, streaming, then a platform with catalog, send and pull, for the INTL and GM suites',
    )
    .addOption(
      new Option('--suite <suite>', 'which cipher suites to run')
        .choices(['INTL', 'GM', 'both'])
        .default('both'),
    )
    .option('--stream-mib <mib>', 'size of the streamed payload in MiB', positiveNumber, 16)
    .option('--rows <n>', 'rows the provider sends through the platform', positiveNumber, 2000)
    .option('--keep', 'keep the working directory (certificates, keys, frames) to look at afterwards', false)
    .option('--dir <dir>', 'parent directory of the working directory (default: the system temp dir)')
    .action(async (opts) => {
      const suites = DEMO_SUITES.filter((s) => opts.suite === 'both' || s.name === opts.suite);
      const workDir = await mkdtemp(join(opts.dir ? resolve(opts.dir) : tmpdir(), 'ferry-demo-'));
      let outcome: Awaited<ReturnType<typeof runDemo>>;
      try {
        outcome = await runDemo(workDir, { streamMiB: opts.streamMib, rows: opts.rows, suites }, io);
      } finally {
        if (!opts.keep) await rm(workDir, { recursive: true, force: true });
      }
      if (opts.keep) {
        io.stdout(
          `Kept ${workDir}; try: ferry pki inspect ${join(workDir, suites[0]!.name.toLowerCase(), 'frames')}/<file>.ferry\n`,
        );
      }
      if (outcome.failed > 0) throw new Error(`the demo failed (${outcome.failed} step(s))`);
    });
}
