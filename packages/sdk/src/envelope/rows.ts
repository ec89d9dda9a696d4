import { FerryError } from '../errors/index.js';

/** Media type of row content: one JSON value per line. */
export const NDJSON = 'application/x-ndjson';

export function encodeRows(rows: readonly unknown[]): Uint8Array {
  if (!Array.isArray(rows)) throw new FerryError('FERRY_INVALID_ARGUMENT', '`rows` must be an array');
  const lines: string[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let line: string | undefined;
    try {
      line = JSON.stringify(rows[i]);
    } catch (cause) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', `rows[${i}] cannot be encoded as JSON`, {
        cause,
        location: { field: `rows[${i}]` },
      });
    }
    if (line === undefined) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', `rows[${i}] is not a JSON value`, {
        location: { field: `rows[${i}]` },
      });
    }
    lines[i] = line;
  }
  return Buffer.from(lines.length ? `${lines.join('\n')}\n` : '', 'utf8');
}

export function decodeRows(content: Uint8Array): unknown[] {
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  const rows: unknown[] = [];
  let line = 0;
  for (const part of text.split('\n')) {
    line++;
    if (part === '') continue;
    try {
      rows.push(JSON.parse(part));
    } catch (cause) {
      throw new FerryError('FERRY_ENVELOPE_MALFORMED', `Row content line ${line} is not JSON`, {
        cause,
        location: { line },
      });
    }
  }
  return rows;
}
