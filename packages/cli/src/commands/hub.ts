// `ferry hub start`: the reference platform from a YAML file, until SIGTERM or SIGINT.
import { startHubFromConfigFile } from '@ferry/hub';
import type { Command } from 'commander';
import type { CliIo } from '../util/io.js';

/** Adds `ferry hub …` to `program`. */
export function registerHubCommands(program: Command, io: CliIo): void {
  const hub = program.command('hub').description('run the reference exchange platform (共享平台)');
  hub
    .command('start')
    .description('start a hub from a configuration file (FERRY_HUB_* environment variables override it)')
    .argument('<config>', 'hub YAML configuration, e.g. examples/hub/hub.yaml')
    .action(async (config: string) => {
      const running = await startHubFromConfigFile(config, { env: io.env });
      io.stdout(`hub ${running.departmentCode} listening at ${running.url}\n`);
      // Stay up until asked to stop; a second signal while closing forces the exit.
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.once('SIGINT', () => process.exit(130));
          process.once('SIGTERM', () => process.exit(143));
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.stdout('hub stopping\n');
      await running.close();
    });
}
