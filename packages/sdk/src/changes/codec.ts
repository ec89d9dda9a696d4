// Change batches as NDJSON: one change per line, values in the tagged wire form of values.ts.
import { FerryError } from '../errors/index.js';
import type { Change } from './change.js';
import { JsonWriter } from './json-writer.js';
import { decodeRecord, encodeRecord } from './values.js';

/**
 * Encodes one change as one NDJSON line, newline included (see docs/protocol/changes.md). `index` names the
 * change in the error thrown for a value that cannot be encoded (`changes[index]`).
 */
export function encodeChangeLine(change: Change, index = 0): string {
  // A writer of its own for a call made while another is under way (a getter encoding changes).
  const w = lineWriter ?? new JsonWriter(1024);
  lineWriter = undefined;
  w.pos = 0;
  try {
    w.change(change);
    return w.buf.toString('utf8', 0, w.pos);
  } catch {
    return referenceChangeLine(change, index);
  } finally {
    // Kept for the next line unless one huge value grew it.
    if (w.buf.length <= 1 << 16) lineWriter = w;
  }
}

/** Encodes changes as NDJSON bytes (see docs/protocol/changes.md). */
export function encodeChanges(changes: readonly Change[]): Uint8Array {
  const w = changesWriter(changes.length);
  for (let i = 0; i < changes.length; i++) encodeChangeInto(w, changes[i]!, i);
  return finishChanges(w, changes.length);
}

/** A writer for the lines of about `count` changes, sized by the bytes per change of the last large batch. */
export function changesWriter(count: number): JsonWriter {
  return new JsonWriter(Math.ceil(count * bytesPerChange * 1.1) + 64);
}

/**
 * Appends one change's line to `w`: the fast path, or the reference encoding for what it leaves to it
 * (which throws FERRY_INVALID_ARGUMENT naming `changes[index]` for a change that cannot be encoded).
 */
export function encodeChangeInto(w: JsonWriter, change: Change, index: number): void {
  const start = w.pos;
  try {
    w.change(change);
  } catch {
    w.pos = start;
    const line = referenceChangeLine(change, index);
    w.reserve(line.length * 3);
    w.pos += w.buf.write(line, w.pos, 'utf8');
  }
}

/** The bytes `w` holds for `count` changes; remembers their size per change as the next batch's first guess. */
export function finishChanges(w: JsonWriter, count: number): Uint8Array {
  if (count >= 16) bytesPerChange = w.pos / count;
  const out = w.buf.subarray(0, w.pos);
  // Little slack is kept with the result; much (an estimate far off) is not.
  return w.buf.length - w.pos > (w.buf.length >> 2) + 64 ? Buffer.from(out) : out;
}

/** The writer encodeChangeLine reuses. */
let lineWriter: JsonWriter | undefined;
/** Bytes per change of the last large batch: the first guess of the next one's size. */
let bytesPerChange = 256;

/**
 * The reference encoding of one change, which the fast path of {@link JsonWriter} reproduces byte for byte:
 * used for what the fast path leaves to it, and to produce the error for a change that cannot be encoded.
 */
export function referenceChangeLine(change: Change, index = 0): string {
  try {
    const line =
      change.op === 'upsert'
        ? {
            op: 'upsert',
            key: encodeRecord(change.key),
            row: encodeRecord(change.row),
            ...(change.position === undefined ? {} : { pos: change.position }),
          }
        : change.op === 'delete'
          ? {
              op: 'delete',
              key: encodeRecord(change.key),
              ...(change.position === undefined ? {} : { pos: change.position }),
            }
          : undefined;
    if (!line) throw new TypeError(`unknown op ${(change as { op?: unknown }).op}`);
    return `${JSON.stringify(line)}\n`;
  } catch (cause) {
    if (cause instanceof FerryError) throw cause;
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      `changes[${index}] cannot be encoded: ${(cause as Error).message}`,
      { cause, location: { field: `changes[${index}]` } },
    );
  }
}

/** Decodes NDJSON change bytes; a bad line is reported with its line number. */
export function decodeChanges(bytes: Uint8Array): Change[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'Change content is not valid UTF-8', { cause });
  }
  const out: Change[] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (line === '') continue;
    try {
      const raw = JSON.parse(line) as { op?: unknown; key?: unknown; row?: unknown; pos?: unknown };
      const position = raw.pos === undefined ? undefined : String(raw.pos);
      const base = position === undefined ? {} : { position };
      if (raw.op === 'upsert')
        out.push({ op: 'upsert', key: decodeRecord(raw.key), row: decodeRecord(raw.row), ...base });
      else if (raw.op === 'delete') out.push({ op: 'delete', key: decodeRecord(raw.key), ...base });
      else throw new TypeError(`unknown op ${String(raw.op)}`);
    } catch (cause) {
      throw new FerryError(
        'FERRY_ENVELOPE_MALFORMED',
        `Change line ${lineNo} is not valid: ${(cause as Error).message}`,
        {
          cause,
          location: { line: lineNo },
        },
      );
    }
  }
  return out;
}
