// `ferry connector …`: run the connector daemon from a configuration file, check it, print change-log DDL.
import { FerryError, isFerryError } from '@ferry/sdk';
import type { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { changelogScript } from '../connector/changelog-ddl.js';
import { type CheckResult, checkConnector } from '../connector/check.js';
import { type LoadedConnectorConfig, loadConnectorConfig } from '../connector/config.js';
import { ConnectorDaemon } from '../connector/daemon.js';
import { redactSecrets } from '../connector/interpolate.js';
import { createLogger } from '../connector/logger.js';
import { createSnapshotProgress, noProgress } from '../connector/progress.js';
import type { CliIo } from '../util/io.js';
import { positiveNumber } from '../util/options.js';
import { formatTable } from '../util/text.js';

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/** Adds `ferry connector` and its subcommands to `program`. */
export function registerConnectorCommands(program: Command, io: CliIo): void {
  const connector = program
    .command('connector')
    .description('capture a database or a drop folder into the outbox and deliver it to the hub');

  connector
    .command('run')
    .description('run the connector daemon: capture, deliver, serve /healthz and /metrics until SIGTERM')
    .argument('<config>', 'the connector configuration (YAML)')
    .option(
      '--until-idle',
      'stop once every table is caught up and the hub has acknowledged everything (cron jobs, tests)',
      false,
    )
    .option(
      '--drain-timeout <seconds>',
      'with --until-idle: how long to wait for the hub',
      positiveNumber,
      120,
    )
    .option('--no-progress', 'no progress bars for snapshots (they are only drawn on a terminal anyway)')
    .option(
      '--resnapshot <resource>',
      'capture this resource (repeat for more, or `all`) again from a new snapshot; the hub then drops rows the snapshot did not send',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .action(async (file: string, opts: RunOptions) => {
      const loaded = await loadConnectorConfig(file, io.env);
      await withSecretsRedacted(loaded, () => runDaemon(loaded, opts, io));
    });

  connector
    .command('check')
    .description(
      'check a configuration before running it: identity, source connection and privileges, strategy prerequisites, stored cursors, hub and catalog',
    )
    .argument('<config>', 'the connector configuration (YAML)')
    .option('--json', 'print the results as JSON', false)
    .action(async (file: string, opts: { json: boolean }) => {
      const loaded = await loadConnectorConfig(file, io.env);
      await withSecretsRedacted(loaded, async () => {
        const results = await checkConnector(loaded, io.env);
        const redact = (t: string) => redactSecrets(t, loaded.secrets);
        if (opts.json) io.stdout(`${redact(JSON.stringify(results, null, 2))}\n`);
        else io.stdout(redact(formatCheckResults(results)));
        const failed = results.filter((r) => r.status === 'error').length;
        if (failed > 0) {
          throw new FerryError(
            'FERRY_PREFLIGHT_FAILED',
            `${failed} check${failed === 1 ? '' : 's'} failed: fix ${failed === 1 ? 'it' : 'them'} and run ferry connector check again`,
          );
        }
      });
    });

  connector
    .command('changelog-ddl')
    .description(
      'print the change-log table and trigger DDL of the changelog tables, for a DBA to review and run',
    )
    .argument('<config>', 'the connector configuration (YAML)')
    .action(async (file: string) => {
      const loaded = await loadConnectorConfig(file, io.env);
      await withSecretsRedacted(loaded, async () => io.stdout(await changelogScript(loaded)));
    });
}

interface RunOptions {
  untilIdle: boolean;
  drainTimeout: number;
  progress: boolean;
  resnapshot?: string[];
}

async function runDaemon(loaded: LoadedConnectorConfig, opts: RunOptions, io: CliIo): Promise<void> {
  const terminal = io.tty?.stderr;
  const progress = opts.progress && terminal ? createSnapshotProgress(terminal) : noProgress;
  const log = createLogger({
    level: loaded.config.log.level,
    format: loaded.config.log.format,
    tty: io.tty?.stdout ?? false,
    secrets: loaded.secrets,
    // On a shared terminal, log lines go above the progress bars instead of through them.
    write: (line) => {
      if (!(io.tty?.stdout && progress.log(line))) io.stdout(line);
    },
  });
  const daemon = await ConnectorDaemon.start({
    config: loaded,
    env: io.env,
    log,
    untilIdle: opts.untilIdle,
    drainTimeoutMs: opts.drainTimeout * 1000,
    progress,
    version: packageJson.version,
    ...(opts.resnapshot ? { resnapshot: opts.resnapshot } : {}),
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log.info({ signal }, `${signal}: stopping gracefully (send it again to exit at once)`);
      void daemon.stop();
      return;
    }
    // The outbox is crash-safe: exiting mid-write loses nothing, the batch is written again after restart.
    log.warn({ signal }, `${signal} again: exiting now`);
    process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await daemon.done;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/** Runs `fn`; an error escaping it has the configuration's secrets blanked out of its message. */
async function withSecretsRedacted(loaded: LoadedConnectorConfig, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (loaded.secrets.length === 0) throw err;
    const message = redactSecrets((err as Error)?.message ?? String(err), loaded.secrets);
    if (isFerryError(err)) {
      throw new FerryError(err.code, message, {
        ...(err.location ? { location: err.location } : {}),
        ...(err.details
          ? { details: JSON.parse(redactSecrets(JSON.stringify(err.details), loaded.secrets)) }
          : {}),
      });
    }
    throw new Error(message);
  }
}

/** `  ok     connect  …` lines, problems last so they are what the eye lands on, and a summary. */
export function formatCheckResults(results: readonly CheckResult[]): string {
  const order = { ok: 0, warning: 1, error: 2 } as const;
  const sorted = [...results].sort((a, b) => order[a.status] - order[b.status]);
  const label = { ok: 'ok', warning: 'WARN', error: 'FAIL' } as const;
  const rows = sorted.map((r) => [label[r.status], r.check, r.subject ?? '', r.message]);
  const failed = results.filter((r) => r.status === 'error').length;
  const warned = results.filter((r) => r.status === 'warning').length;
  const summary =
    failed === 0
      ? `All checks passed${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}: the daemon can run.`
      : `${failed} problem${failed === 1 ? '' : 's'}${warned ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}.`;
  return `${[...formatTable(rows), '', summary].join('\n')}\n`;
}
