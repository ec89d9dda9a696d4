// Column values read back from either database: PostgreSQL returns bigint as text and timestamptz as Date,
// SQLite returns what was written. These helpers give repositories one shape.

/** ISO 8601 text of a timestamp column value. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  return new Date(String(value)).toISOString();
}

/** A number from an integer column (bigint columns come back from PostgreSQL as text). */
export function toInt(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** The current time as ISO 8601 text, the form every timestamp is written in. */
export function nowIso(): string {
  return new Date().toISOString();
}
