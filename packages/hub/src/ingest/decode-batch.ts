// Turns the NDJSON content of an envelope into what the resource table needs: per key, the last change of
// the batch (applying a batch in order is the same as applying each key's last change), with keys in
// canonical text and rows as encoded JSON text, kept as the bytes they arrived in.

import { isUtf8 } from 'node:buffer';
import {
  type CompressedSegment,
  decodeRecord,
  FerryError,
  type FerryRecord,
  isWireRecordText,
  type OpenOptions,
  open,
} from '@ferry/sdk';
import { deflateForLog, logFromSegments } from '../store/change-log.js';
import type { RowTexts } from '../store/dialects/index.js';
import type { KeyItem } from '../store/index.js';
import { keyText } from './key-text.js';
import { recordProblem } from './wire-check.js';

/** A decoded batch, ready to apply. */
export interface PreparedBatch {
  /** Number of changes (lines) in the batch. */
  count: number;
  /** The content as received (one change per line), compressed for the change log (see change-log.ts). */
  deflated: Uint8Array;
  /**
   * Rows to insert or replace: `keys[c][i]` is key column `c` of row `i`; the rows' texts are byte ranges of
   * the content (a row the general path re-serialized is appended after it).
   */
  upserts: { keys: string[][]; rows: RowTexts };
  /** Keys to delete, column by column. */
  deletes: { keys: string[][] };
}

const KNOWN_MEMBERS = new Set(['op', 'key', 'row', 'pos']);

/** Where a change's row is: a byte range of the content, re-serialized text, or none (a delete). */
type RowRef = { from: number; to: number } | string | undefined;

/**
 * Decodes change lines and checks each against the resource's key items: the key must hold exactly the
 * key items, each a value of its item's type. Throws `FERRY_INVALID_ARGUMENT` (with the line number) for
 * anything the hub could not apply or serve back unchanged.
 */
export function decodeBatch(
  content: Uint8Array,
  keyItems: readonly KeyItem[],
  /** The content's segments as the sender deflated them, when it did: logged as they are. */
  compressed?: readonly CompressedSegment[],
): PreparedBatch {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  // Rows are kept as the bytes they arrived in, so those bytes must be the text they were checked as.
  if (!isUtf8(bytes)) throw bad(firstLineNotUtf8(bytes), 'is not valid UTF-8');
  // Each key's last change: its canonical key text → its place in `keyColumns` / `rows` (undefined: delete).
  const place = new Map<string, number>();
  const keyColumns: string[][] = keyItems.map(() => []);
  const rows: RowRef[] = [];
  let count = 0;
  let lineNo = 0;
  let start = 0;
  const readKey = keyReader(keyItems);
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    // Read as latin1, one character per byte: about half the cost of decoding UTF-8, and offsets in the line
    // are offsets in the content. JSON's structure is all ASCII and a UTF-8 multi-byte character is all bytes
    // ≥ 0x80, so the line is valid JSON (and its values valid wire values) as latin1 exactly when it is as
    // UTF-8, which the whole content was checked to be; text is decoded as UTF-8 only where it is used.
    const line = bytes.toString('latin1', start, end);
    const lineStart = start;
    start = end + 1;
    lineNo++;
    if (line === '') continue;
    count++;
    const change = parseLine(line, lineNo, readKey, bytes, lineStart, end);
    const keys = change.keys;
    const id = keys.length === 1 ? keys[0]! : JSON.stringify(keys);
    const at = place.get(id);
    if (at !== undefined) {
      rows[at] = change.row; // the same key: a later change replaces the earlier one
      continue;
    }
    place.set(id, rows.length);
    for (let c = 0; c < keys.length; c++) keyColumns[c]!.push(keys[c]!);
    rows.push(change.row);
  }
  const upserts = { keys: keyItems.map(() => [] as string[]), rows: rowTexts(bytes, rows) };
  const deletes = { keys: keyItems.map(() => [] as string[]) };
  for (let i = 0; i < rows.length; i++) {
    const target = rows[i] === undefined ? deletes.keys : upserts.keys;
    for (let c = 0; c < keyColumns.length; c++) target[c]!.push(keyColumns[c]![i]!);
  }
  const deflated =
    compressed && compressed.length > 0 ? logFromSegments(compressed, content) : deflateForLog(content);
  return { count, deflated, upserts, deletes };
}

/**
 * Opens a frame as the hub and decodes its changes, keeping the sender's compressed segments for the change log:
 * what an ingest worker does, and what the event loop does when there are none (`envelopes.openWorkers: 0`).
 */
export async function openAndDecode(
  frame: Uint8Array,
  options: OpenOptions,
  keyItems: readonly KeyItem[],
): Promise<PreparedBatch> {
  const opened = await open(frame, { ...options, keepCompressed: true });
  return decodeBatch(opened.content, keyItems, opened.compressedSegments);
}

/** The upserts' row texts: ranges of the content, and any re-serialized rows appended after it. */
function rowTexts(content: Buffer, rows: readonly RowRef[]): RowTexts {
  let upserts = 0;
  const extra: Buffer[] = [];
  for (const row of rows) {
    if (row === undefined) continue;
    upserts++;
    if (typeof row === 'string') extra.push(Buffer.from(row, 'utf8'));
  }
  const bytes = extra.length === 0 ? content : Buffer.concat([content, ...extra]);
  const offsets = new Uint32Array(2 * upserts);
  let n = 0;
  let appended = content.length;
  for (const row of rows) {
    if (row === undefined) continue;
    if (typeof row === 'string') {
      offsets[n++] = appended;
      appended += Buffer.byteLength(row, 'utf8');
      offsets[n++] = appended;
    } else {
      offsets[n++] = row.from;
      offsets[n++] = row.to;
    }
  }
  return { bytes, offsets };
}

/** The number of the first line of `bytes` that is not valid UTF-8. */
function firstLineNotUtf8(bytes: Buffer): number {
  let lineNo = 1;
  let start = 0;
  for (;;) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (!isUtf8(bytes.subarray(start, end)) || end === bytes.length) return lineNo;
    start = end + 1;
    lineNo++;
  }
}

const UPSERT_PREFIX = '{"op":"upsert","key":';
const ROW_MEMBER = ',"row":';
const POS_MEMBER = ',"pos":';

/**
 * The row of an upsert line in the SDK's member order (`op`, `key`, `row`, then `pos` if any), located in the
 * line, so that it is stored as sent: the key's text is read on its own, the row checked in its text. A slice
 * boundary in the wrong place cannot parse (a proper prefix of a JSON object is never a whole JSON value), so
 * any line this cannot split is left to the general path.
 */
function splitUpsert(line: string): { keyText: string; rowFrom: number; rowTo: number } | undefined {
  if (!line.startsWith(UPSERT_PREFIX)) return undefined;
  const rowAt = line.indexOf(ROW_MEMBER, UPSERT_PREFIX.length);
  if (rowAt < 0 || line.charCodeAt(line.length - 1) !== 0x7d /* } */) return undefined;
  try {
    const rowFrom = rowAt + ROW_MEMBER.length;
    let rowTo = line.length - 1;
    if (line.charCodeAt(rowTo - 1) !== 0x7d) {
      // Ends with a "pos" member (its string holds no bare quote, so the last match is the member).
      const posAt = line.lastIndexOf(POS_MEMBER);
      if (posAt < rowFrom) return undefined;
      rowTo = posAt;
      const pos = line.slice(posAt + POS_MEMBER.length, -1);
      if (!PLAIN_STRING.test(pos) && typeof JSON.parse(pos) !== 'string') return undefined;
    }
    const rowText = line.slice(rowFrom, rowTo);
    // Most rows are vouched for by their text alone; the others are parsed and judged value by value.
    if (!isWireRecordText(rowText) && recordProblem(JSON.parse(rowText)) !== undefined) return undefined;
    return { keyText: line.slice(UPSERT_PREFIX.length, rowAt), rowFrom, rowTo };
  } catch {
    return undefined;
  }
}

/** The canonical key texts of a change's key: from its JSON text as latin1 (split lines), or parsed. */
type KeyReader = (latin1Text: string | undefined, parsed: unknown, lineNo: number) => string[];

/** One change line, read as latin1; `lineStart`…`lineEnd` are its bytes in the content. */
function parseLine(
  line: string,
  lineNo: number,
  readKey: KeyReader,
  bytes: Buffer,
  lineStart: number,
  lineEnd: number,
): { keys: string[]; row: RowRef } {
  const split = splitUpsert(line);
  if (split) {
    const row = { from: lineStart + split.rowFrom, to: lineStart + split.rowTo };
    return { keys: readKey(split.keyText, undefined, lineNo), row };
  }
  return parseWholeLine(bytes.toString('utf8', lineStart, lineEnd), lineNo, readKey);
}

/** The general path: a line in any member order, parsed whole (its text decoded as UTF-8). */
function parseWholeLine(line: string, lineNo: number, readKey: KeyReader): { keys: string[]; row: RowRef } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw bad(lineNo, 'is not JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw bad(lineNo, 'is not a JSON object');
  for (const member in raw) {
    if (!KNOWN_MEMBERS.has(member)) throw bad(lineNo, `has an unknown member "${member}"`, member);
  }
  if (raw.pos !== undefined && typeof raw.pos !== 'string')
    throw bad(lineNo, '"pos" must be a string', 'pos');
  const keys = readKey(undefined, raw.key, lineNo);
  if (raw.op === 'delete') {
    if (raw.row !== undefined) throw bad(lineNo, 'is a delete with a row', 'row');
    return { keys, row: undefined };
  }
  if (raw.op !== 'upsert') throw bad(lineNo, `has an unknown op ${JSON.stringify(raw.op)}`, 'op');
  // Checked, not decoded: the row is stored in its wire form, as sent.
  const rowProblem = recordProblem(raw.row);
  if (rowProblem !== undefined) throw bad(lineNo, `has an invalid row: ${rowProblem}`, 'row');
  return { keys, row: JSON.stringify(raw.row) };
}

/** A JSON string without escapes: its text between the quotes is its value. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw control characters
const PLAIN_STRING = /^"[^"\\\u0000-\u001f]*"$/;
/** An integer as BigInt#toString writes it: the canonical text of an integer key. */
const CANONICAL_INTEGER = /^(?:0|-?[1-9]\d*)$/;

/**
 * Reads keys of the resource's key items. A key of one integer or string item in the SDK's form
 * (`{"id":{"$int":"42"}}`, `{"code":"A-1"}`) is read from its text, its canonical form being the text itself;
 * any other key is parsed, decoded and made canonical item by item (keyText).
 */
function keyReader(keyItems: readonly KeyItem[]): KeyReader {
  const item = keyItems.length === 1 ? keyItems[0]! : undefined;
  // The item's name as it appears in a latin1 reading of its UTF-8 bytes.
  const prefix = item ? utf8AsLatin1(`{${JSON.stringify(item.name)}:`) : '';
  const fromText = (text: string): string | undefined => {
    if (!item || !text.startsWith(prefix) || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
    const value = text.slice(prefix.length, -1);
    if (item.dataType === 'integer' && value.startsWith(INT_PREFIX) && value.endsWith('"}')) {
      const digits = value.slice(INT_PREFIX.length, -2);
      return CANONICAL_INTEGER.test(digits) ? digits : undefined;
    }
    if ((item.dataType === 'string' || item.dataType === 'text') && PLAIN_STRING.test(value)) {
      return latin1AsUtf8(value.slice(1, -1));
    }
    return undefined;
  };
  return (text, parsed, lineNo) => {
    if (text !== undefined) {
      const canonical = fromText(text);
      if (canonical !== undefined) return [canonical];
      try {
        parsed = JSON.parse(latin1AsUtf8(text));
      } catch {
        throw bad(lineNo, 'has a key that is not JSON', 'key');
      }
    }
    return canonicalKeys(decodeKey(parsed, lineNo), keyItems, lineNo);
  };
}

const INT_PREFIX = '{"$int":"';

/** Anything but printable ASCII (and JSON's whitespace): where a latin1 reading and UTF-8 may differ. */
const NOT_ASCII = /[^\t\n\r\x20-\x7e]/;

/** Text read as latin1 from UTF-8 bytes, decoded as the UTF-8 it is (ASCII is the same either way). */
function latin1AsUtf8(text: string): string {
  return NOT_ASCII.test(text) ? Buffer.from(text, 'latin1').toString('utf8') : text;
}

/** What a latin1 reading of `text`'s UTF-8 bytes gives. */
function utf8AsLatin1(text: string): string {
  return NOT_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** The canonical text of each key item's value; the key must hold exactly the key items. */
function canonicalKeys(key: FerryRecord, keyItems: readonly KeyItem[], lineNo: number): string[] {
  const keys = keyItems.map((item) => {
    const value = Object.hasOwn(key, item.name) ? key[item.name] : undefined;
    const canonical = keyText(value, item.dataType);
    if (canonical === undefined) {
      throw bad(
        lineNo,
        value === undefined || value === null
          ? `key item "${item.name}" is missing`
          : `key item "${item.name}" is not a valid ${item.dataType} value`,
        `key.${item.name}`,
      );
    }
    return canonical;
  });
  if (Object.keys(key).length !== keyItems.length) {
    const extra = Object.keys(key).find((k) => !keyItems.some((item) => item.name === k));
    throw bad(lineNo, `key member "${extra}" is not a key item of the resource`, `key.${extra}`);
  }
  return keys;
}

/** The key decoded: its canonical text per key item comes from the typed values (keyText). */
function decodeKey(key: unknown, lineNo: number): FerryRecord {
  try {
    return decodeRecord(key);
  } catch (cause) {
    throw bad(lineNo, `has an invalid key: ${(cause as Error).message}`, 'key');
  }
}

function bad(line: number, message: string, field?: string): FerryError {
  return new FerryError('FERRY_INVALID_ARGUMENT', `Change line ${line} ${message}`, {
    location: { line, ...(field ? { field } : {}) },
  });
}
