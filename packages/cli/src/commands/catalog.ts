// `ferry catalog …`: catalog entries (信息资源目录条目) for the resources a connector sends.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { draftCatalog } from '../connector/catalog-draft.js';
import { loadConnectorConfig } from '../connector/config.js';
import { redactSecrets } from '../connector/interpolate.js';
import { assertCanWrite, writeOutput } from '../util/files.js';
import type { CliIo } from '../util/io.js';

/** Adds `ferry catalog` and its subcommands to `program`. */
export function registerCatalogCommands(program: Command, io: CliIo): void {
  const catalog = program
    .command('catalog')
    .description('catalog entries for the resources a connector sends');

  catalog
    .command('draft')
    .description(
      'draft a catalog entry (JSON) per configured table from the source schema; values to complete are marked TODO',
    )
    .argument('<config>', 'the connector configuration (YAML)')
    .option('--out <dir>', 'write <code>.json files there instead of printing one JSON array')
    .option('--force', 'overwrite existing files', false)
    .action(async (file: string, opts: { out?: string; force: boolean }) => {
      const loaded = await loadConnectorConfig(file, io.env);
      let drafts: Awaited<ReturnType<typeof draftCatalog>>;
      try {
        drafts = await draftCatalog(loaded, io.env);
      } catch (err) {
        if (err instanceof Error) err.message = redactSecrets(err.message, loaded.secrets);
        throw err;
      }
      if (!opts.out) {
        io.stdout(
          `${JSON.stringify(
            drafts.map((d) => d.entry),
            null,
            2,
          )}\n`,
        );
      } else {
        const dir = resolve(opts.out);
        const paths = drafts.map((d) => join(dir, `${d.resource.replace(/\//g, '-')}.json`));
        await assertCanWrite(paths, opts.force);
        for (const [i, d] of drafts.entries()) {
          await writeOutput(paths[i]!, `${JSON.stringify(d.entry, null, 2)}\n`);
          io.stdout(`wrote ${paths[i]} (${d.resource}, from ${d.origin})\n`);
        }
      }
      for (const d of drafts) {
        io.stderr(`${d.resource}: fill in ${d.todo.join(', ')}\n`);
      }
      io.stderr(
        'Replace every "TODO: …" value, then check the entry with validateCatalogEntry and submit it (CatalogClient.submit).\n',
      );
    });
}
