import { isFerryError } from '../../errors/index.js';
import type { ChangeSink } from '../sink.js';
import type { PreflightCheck, Source } from '../source.js';
import type { TableConfig } from './run-connector.js';

/**
 * The source's {@link Source.preflight} plus what only the runner knows: whether each resource's stored
 * cursor still decodes, and whether the table's columns changed since the last capture (rows will carry
 * the new shape; the catalog entry's data items may need updating first).
 *
 * @example
 * ```ts
 * const problems = (await preflightConnector({ source, sink, tables })).filter((c) => !c.ok);
 * for (const p of problems) console.error(`${p.severity ?? 'error'}: ${p.table ?? ''} ${p.message}`);
 * ```
 */
export async function preflightConnector(options: {
  source: Source;
  tables: readonly TableConfig[];
  sink?: ChangeSink;
}): Promise<PreflightCheck[]> {
  const { source, sink, tables } = options;
  const checks = await source.preflight(tables);
  if (!sink || checks.some((c) => c.check === 'connect' && !c.ok)) return checks;
  for (const table of tables) {
    const stored = await sink.cursor(table.resource);
    if (stored === undefined) continue;
    let columns: string[] | undefined;
    try {
      columns = source.checkpoint.decode(stored, table).columns;
    } catch (err) {
      checks.push({
        check: 'cursor',
        ok: false,
        table: table.table,
        message: `${isFerryError(err) ? err.message : String(err)}; run with onInvalidCursor: 'resnapshot' to start over with a new snapshot`,
      });
      continue;
    }
    if (!columns) continue;
    const [meta] = await source.discover([table.table]).catch(() => []);
    if (!meta) continue;
    const now = meta.columns.map((c) => c.name);
    const added = now.filter((c) => !columns!.includes(c) && isCaptured(table, c));
    const removed = columns.filter((c) => !now.includes(c));
    if (added.length > 0 || removed.length > 0) {
      const parts = [
        ...(removed.length ? [`no longer has ${removed.map((c) => `\`${c}\``).join(', ')}`] : []),
        ...(added.length ? [`now has ${added.map((c) => `\`${c}\``).join(', ')}`] : []),
      ];
      checks.push({
        check: 'schema-changed',
        ok: false,
        severity: 'warning',
        table: table.table,
        message: `${table.table} ${parts.join(' and ')} since the last capture${removed.length && added.length ? ' (renamed?)' : ''}: captured rows will carry the new shape; update the catalog entry's data items`,
      });
    }
  }
  return checks;
}

function isCaptured(table: TableConfig, column: string): boolean {
  if (table.columns?.exclude?.includes(column)) return false;
  return (
    !table.columns?.include || table.columns.include.includes(column) || (table.key ?? []).includes(column)
  );
}
