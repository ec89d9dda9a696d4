// The configuration of one file resource, validated with zod at the edge: every problem is reported with
// the exact key (`columns.出生日期.format`), and formats are compiled here so a bad pattern never waits
// for the first row.
import { FerryError } from '@ferry/sdk/errors';
import { z } from 'zod';
import { createValueParser } from '../values/parse-value.js';
import { isValidZone } from '../values/zone.js';

const columnType = z.enum(['string', 'integer', 'decimal', 'date', 'datetime', 'boolean', 'binary']);

const columnSchema = z.strictObject({
  name: z.string().min(1, 'must be a non-empty column name'),
  type: columnType,
  format: z.string().min(1).optional(),
  zone: z.string().min(1).optional(),
  trim: z.boolean().optional(),
});

const resourceSchema = z
  .strictObject({
    resource: z.string().min(1, 'must be the catalog resource code'),
    format: z.enum(['csv', 'tsv', 'ndjson', 'json', 'xlsx']),
    encoding: z.enum(['auto', 'utf-8', 'gbk', 'gb18030']).default('auto'),
    delimiter: z.string().length(1, 'must be one character').optional(),
    quote: z.union([z.string().length(1, 'must be one character'), z.literal(false)]).optional(),
    sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
    header: z.union([z.literal(true), z.array(z.string().min(1)).min(1)]).default(true),
    columns: z.record(z.string().min(1), columnSchema),
    key: z.array(z.string().min(1)),
    mode: z.enum(['snapshot', 'append']).default('snapshot'),
    onBadRow: z.enum(['skip', 'reject-file']).default('reject-file'),
    timezone: z.string().min(1).optional(),
  })
  .superRefine(
    (c, ctx) => {
      // Runs even when some keys failed their own schema (see `when` below), so guard the shapes used.
      if (typeof c.columns !== 'object' || c.columns === null || !Array.isArray(c.key)) return;
      const names = new Map<string, string>();
      if (Object.keys(c.columns).length === 0)
        ctx.addIssue({ code: 'custom', path: ['columns'], message: 'must map at least one column' });
      for (const [source, col] of Object.entries(c.columns)) {
        if (typeof col !== 'object' || col === null) continue;
        const seen = names.get(col.name);
        if (seen !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['columns', source, 'name'],
            message: `"${col.name}" is already the name of column "${seen}"`,
          });
        }
        names.set(col.name, source);
        try {
          if (typeof col.type === 'string' && columnType.options.includes(col.type)) {
            createValueParser({ type: col.type, format: col.format, trim: col.trim });
          }
        } catch (err) {
          ctx.addIssue({
            code: 'custom',
            path: ['columns', source, 'format'],
            message: (err as Error).message,
          });
        }
        if (col.zone !== undefined) {
          if (col.type !== 'datetime')
            ctx.addIssue({
              code: 'custom',
              path: ['columns', source, 'zone'],
              message: 'only datetime columns have a zone',
            });
          else if (!isValidZone(col.zone))
            ctx.addIssue({
              code: 'custom',
              path: ['columns', source, 'zone'],
              message: `unknown time zone "${col.zone}"`,
            });
        }
        if (Array.isArray(c.header) && !c.header.includes(source)) {
          ctx.addIssue({
            code: 'custom',
            path: ['columns', source],
            message: `"${source}" is not one of the names in header`,
          });
        }
      }
      c.key.forEach((k, i) => {
        if (!names.has(k))
          ctx.addIssue({
            code: 'custom',
            path: ['key', i],
            message: `"${k}" is not the name of a configured column`,
          });
        if (c.key.indexOf(k) !== i)
          ctx.addIssue({ code: 'custom', path: ['key', i], message: `"${k}" appears twice` });
      });
      if (c.mode === 'snapshot' && c.key.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['key'],
          message: 'snapshot mode needs at least one key column to compare exports',
        });
      }
      if (c.timezone !== undefined && !isValidZone(c.timezone)) {
        ctx.addIssue({ code: 'custom', path: ['timezone'], message: `unknown time zone "${c.timezone}"` });
      }
      const textual = c.format === 'csv' || c.format === 'tsv';
      if (c.delimiter !== undefined && !textual)
        ctx.addIssue({
          code: 'custom',
          path: ['delimiter'],
          message: `only csv and tsv have a delimiter, not ${c.format}`,
        });
      if (c.quote !== undefined && !textual)
        ctx.addIssue({
          code: 'custom',
          path: ['quote'],
          message: `only csv and tsv have a quote, not ${c.format}`,
        });
      if (c.sheet !== undefined && c.format !== 'xlsx')
        ctx.addIssue({ code: 'custom', path: ['sheet'], message: `only xlsx has sheets, not ${c.format}` });
      if (c.format === 'xlsx' && c.encoding !== 'auto')
        ctx.addIssue({
          code: 'custom',
          path: ['encoding'],
          message: 'xlsx is always UTF-8 XML inside; leave encoding out',
        });
    },
    { when: () => true },
  );

/** A column of the source file: its output name, type and type-specific format. */
export type ColumnConfig = z.output<typeof columnSchema>;

/**
 * One file resource (信息资源): which exports make it, how to read them and how to compare them.
 *
 * - `columns` maps a source header (e.g. `出生日期`) to an output column; unmapped source columns are ignored.
 * - `key` names output columns that identify a row; `snapshot` mode compares each export with the previous
 *   one by key, `append` mode sends every row as a new upsert.
 * - `onBadRow`: `skip` keeps the good rows and writes a report next to the file; `reject-file` quarantines it.
 */
export type ResourceConfig = z.output<typeof resourceSchema>;

/** The input form of {@link ResourceConfig}: defaulted keys may be left out. */
export type ResourceConfigInput = z.input<typeof resourceSchema>;

/**
 * Validates a resource configuration and fills defaults.
 * @throws FerryError `FERRY_CONFIG_INVALID` whose message names every bad key
 *
 * @example
 * ```ts
 * const config = parseResourceConfig({
 *   resource: '11010500000000/00001',
 *   format: 'csv',
 *   columns: { 编号: { name: 'id', type: 'integer' }, 姓名: { name: 'name', type: 'string' } },
 *   key: ['id'],
 * });
 * ```
 */
export function parseResourceConfig(input: unknown, where = 'resource config'): ResourceConfig {
  const result = resourceSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const first = result.error.issues[0];
  throw new FerryError('FERRY_CONFIG_INVALID', `${where} is not valid:\n  ${problems.join('\n  ')}`, {
    ...(first ? { location: { field: formatPath(first.path) } } : {}),
    details: { problems },
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}
