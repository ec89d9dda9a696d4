// `ferry connector changelog-ddl`: the change-log table and triggers of every `changelog` table, as a SQL
// script a DBA reviews and runs (when the connector's user may not create triggers itself).
import { FerryError } from '@ferry/sdk';
import type { LoadedConnectorConfig } from './config.js';
import { openSqlSource, tableConfigs } from './open-source.js';

/**
 * The DDL script for the configuration's `changelog` tables: a header per table, then its statements,
 * each terminated for the database's command-line client (MySQL triggers with bodies need `DELIMITER`).
 * Reads the tables' columns from the source, so it needs a connection.
 */
export async function changelogScript(loaded: LoadedConnectorConfig): Promise<string> {
  const { config } = loaded;
  if (config.source.kind === 'file') {
    throw new FerryError('FERRY_CONFIG_INVALID', 'source.kind "file" has no change log: it diffs exports', {
      location: { file: loaded.file, field: 'source.kind' },
    });
  }
  const tables = tableConfigs(config).filter((t) => t.strategy.kind === 'changelog');
  if (tables.length === 0) {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      'no table uses strategy "changelog": there is nothing to install',
      {
        location: { file: loaded.file, field: 'tables' },
      },
    );
  }
  const mysqlFamily = config.source.kind === 'mysql';
  const source = await openSqlSource(config.source);
  try {
    const parts = [
      `-- Ferry change-log DDL for ${loaded.file}`,
      '-- Review, then run as a user allowed to create tables and triggers. Running it again is safe: the log',
      '-- table is created only when missing, triggers (and functions) are replaced.',
      '',
    ];
    for (const table of tables) {
      const statements = await source.changelogDdl(table);
      parts.push(`-- ${table.table} → ${table.resource}`);
      if (mysqlFamily) {
        // Trigger bodies hold semicolons: the mysql client must not split them.
        parts.push('DELIMITER //', ...statements.map((s) => `${s.trimEnd()} //`), 'DELIMITER ;', '');
      } else {
        parts.push(...statements.map((s) => `${s.trimEnd().replace(/;$/, '')};`), '');
      }
    }
    parts.push(
      '-- Then grant the connector user SELECT on the log tables, and DELETE for the retention purge.',
    );
    return `${parts.join('\n')}\n`;
  } finally {
    await source.close?.();
  }
}
