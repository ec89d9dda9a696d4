import type { FerryRecord } from './values.js';

/**
 * One change to one row of a resource. `key` holds the catalog's key items; `row` the full row for upserts.
 * `position` is the source's opaque position after this change (a cursor the connector can resume from).
 */
export type Change =
  | { op: 'upsert'; key: FerryRecord; row: FerryRecord; position?: string }
  | { op: 'delete'; key: FerryRecord; position?: string };

/** Media type of change batches inside an envelope. */
export const CHANGES_CONTENT_TYPE = 'application/vnd.ferry.changes+ndjson';
