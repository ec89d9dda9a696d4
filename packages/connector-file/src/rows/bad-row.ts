/** Why a row was not taken. */
export type BadRowReason = 'columns' | 'type' | 'key-missing' | 'key-duplicate' | 'syntax';

/**
 * A row that was skipped or made its file rejected, with where it is: `line` (1-based, the line the record
 * starts on; the row number in a workbook), `record` (1-based element of a JSON array, where lines are not
 * known) and `column` (source header and 1-based position).
 */
export interface BadRow {
  file: string;
  line?: number;
  record?: number;
  column?: { name: string; index: number };
  reason: BadRowReason;
  message: string;
  /** The offending text, clipped to 200 characters. */
  value?: string;
}

export function formatBadRow(b: BadRow): string {
  const where = [
    b.file,
    b.line !== undefined ? `line ${b.line}` : b.record !== undefined ? `record ${b.record}` : undefined,
  ]
    .filter(Boolean)
    .join(':');
  const col = b.column ? `, column ${b.column.index} (${b.column.name})` : '';
  return `${where}${col}: ${b.message}`;
}
