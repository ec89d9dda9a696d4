// The database's current SCN, read BEFORE a capture read so that the read's upper bound is never later
// than what the read can see (statement-level read consistency).
import type { SqlDb } from '@ferry/sdk/connector';

/**
 * Where the current SCN is read from:
 * - `v$database`: `SELECT CURRENT_SCN FROM V$DATABASE` (needs SELECT on V_$DATABASE, e.g. via SELECT_CATALOG_ROLE)
 * - `dbms_flashback`: `DBMS_FLASHBACK.GET_SYSTEM_CHANGE_NUMBER` (needs EXECUTE on DBMS_FLASHBACK)
 */
export type ScnSource = 'v$database' | 'dbms_flashback';

/** The statement reading the current SCN, as text (NUMBER is fetched as a string). */
export function currentScnSql(source: ScnSource = 'v$database'): string {
  return source === 'dbms_flashback'
    ? 'SELECT DBMS_FLASHBACK.GET_SYSTEM_CHANGE_NUMBER AS "scn" FROM DUAL'
    : 'SELECT CURRENT_SCN AS "scn" FROM V$DATABASE';
}

/** Reads the current SCN. */
export async function currentScn(db: SqlDb, source: ScnSource = 'v$database'): Promise<bigint> {
  const [row] = await db.query(currentScnSql(source));
  if (row?.scn === null || row?.scn === undefined) throw new Error('the database returned no SCN');
  return BigInt(String(row.scn));
}

/** Validates an SCN kept in a position. */
export function parseScn(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new TypeError(`\`${field}\` is not an SCN`);
  return BigInt(value);
}
