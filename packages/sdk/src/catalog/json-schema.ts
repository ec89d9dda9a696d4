// The catalog entry as JSON Schema (draft 2020-12), for tools outside TypeScript.
import { z } from 'zod';
import { catalogEntrySchema } from './schema.js';

/**
 * The JSON Schema (draft 2020-12) of a catalog entry, generated from the same schema
 * `validateCatalogEntry` uses. It carries the field shapes and the conditional rules JSON Schema can
 * express (required share condition, string length, decimal precision and scale, a key item for
 * database and file resources…). Checks JSON Schema cannot express (the code agreeing with the
 * classification, the GB 32100 check character, unique data item names) are only in
 * `validateCatalogEntry`. A copy is committed as `docs/catalog.schema.json`.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('catalog.schema.json', `${JSON.stringify(catalogEntryJsonSchema(), null, 2)}\n`);
 * ```
 */
export function catalogEntryJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(catalogEntrySchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
