// The diff strategy's state: one sorted file per table generation, a line per row: `<key JSON>\t<row hash>`.
// Read and written as streams, so memory stays flat whatever the table size.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  DateOnly,
  Decimal,
  decodeValue,
  type EncodedValue,
  encodeRecord,
  encodeValue,
  type FerryRecord,
  type FerryValue,
  Timestamp,
} from '../../changes/index.js';

/** One state entry. */
export interface StateEntry {
  key: FerryValue[];
  hash: string;
}

/** Hash of a row's captured values (22 base64url characters of SHA-256). */
export function rowHash(row: FerryRecord): string {
  return createHash('sha256')
    .update(JSON.stringify(encodeRecord(row)))
    .digest('base64url')
    .slice(0, 22);
}

/** A state line for a key and hash. */
export function stateLine(key: readonly FerryValue[], hash: string): string {
  return `${JSON.stringify(key.map(encodeValue))}\t${hash}\n`;
}

/** Reads a state file up to `length` bytes, one entry at a time, with a one-entry look-ahead. */
export class StateReader {
  private lines: AsyncIterator<string> | undefined;
  private head: StateEntry | undefined;
  private loaded = false;
  private readonly stream: ReturnType<typeof createReadStream> | undefined;

  private constructor(path: string | undefined, length: number) {
    if (path && length > 0) {
      this.stream = createReadStream(path, { start: 0, end: length - 1 });
      this.lines = createInterface({ input: this.stream, crlfDelay: Number.POSITIVE_INFINITY })[
        Symbol.asyncIterator
      ]();
    }
  }

  /** Opens `path` for reading its first `length` bytes; `length` 0 is an empty state (no file needed). */
  static async open(path: string, length: number): Promise<StateReader | undefined> {
    if (length === 0) return new StateReader(undefined, 0);
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size < length) return undefined;
    return new StateReader(path, length);
  }

  /** The next entry without consuming it. */
  async peek(): Promise<StateEntry | undefined> {
    if (!this.loaded) {
      this.loaded = true;
      this.head = undefined;
      if (this.lines) {
        const r = await this.lines.next();
        if (!r.done) {
          const tab = r.value.lastIndexOf('\t');
          const key = (JSON.parse(r.value.slice(0, tab)) as EncodedValue[]).map(decodeValue);
          this.head = { key, hash: r.value.slice(tab + 1) };
        }
      }
    }
    return this.head;
  }

  /** Consumes the entry {@link StateReader.peek} returned. */
  next(): void {
    this.loaded = false;
  }

  close(): void {
    this.stream?.destroy();
  }
}

/** Appends state lines to a file at a known length, flushing to stable storage before a batch goes out. */
export class StateWriter {
  private pending: string[] = [];
  private constructor(
    private readonly fh: FileHandle,
    private length: number,
  ) {}

  /** Opens (or creates) `path` and cuts it to `length`; undefined when it is shorter than that. */
  static async open(path: string, length: number): Promise<StateWriter | undefined> {
    const fh = await open(path, 'a+').then(async (h) => {
      await h.close();
      return open(path, 'r+');
    });
    const { size } = await fh.stat();
    if (size < length) {
      await fh.close();
      return undefined;
    }
    await fh.truncate(length);
    return new StateWriter(fh, length);
  }

  append(line: string): void {
    this.pending.push(line);
  }

  /** Writes what was appended and syncs; returns the file length. */
  async flush(): Promise<number> {
    if (this.pending.length > 0) {
      const bytes = Buffer.from(this.pending.join(''), 'utf8');
      this.pending = [];
      await this.fh.write(bytes, 0, bytes.length, this.length);
      this.length += bytes.length;
    }
    await this.fh.datasync();
    return this.length;
  }

  get written(): number {
    return this.length;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/**
 * Compares keys the way the database orders them in the diff scan (code point order for text, byte order
 * for binary, numeric for numbers), so that the state file and the scan merge correctly.
 */
export function compareKeys(a: readonly FerryValue[], b: readonly FerryValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

function compareValues(a: FerryValue, b: FerryValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (isNumeric(a) && isNumeric(b)) return compareNumeric(a, b);
  if (typeof a === 'string' && typeof b === 'string')
    return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  if (a instanceof Timestamp && b instanceof Timestamp) return cmp(timestampSortKey(a), timestampSortKey(b));
  if (a instanceof DateOnly && b instanceof DateOnly) return cmp(a.iso, b.iso);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return cmp(JSON.stringify(encodeValue(a)), JSON.stringify(encodeValue(b)));
}

function cmp<T extends string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNumeric(v: FerryValue): v is number | bigint | Decimal {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal;
}

function compareNumeric(a: number | bigint | Decimal, b: number | bigint | Decimal): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (
    typeof a !== 'object' &&
    typeof b !== 'object' &&
    Number.isInteger(Number(a)) &&
    Number.isInteger(Number(b))
  ) {
    return cmp(BigInt(a), BigInt(b));
  }
  return compareDecimalText(decimalText(a), decimalText(b));
}

function decimalText(v: number | bigint | Decimal): string {
  return v instanceof Decimal
    ? v.value
    : new Decimal(typeof v === 'number' ? v.toFixed(20) : v.toString()).value;
}

/** Compares canonical decimal texts numerically. */
function compareDecimalText(a: string, b: string): number {
  const na = a.startsWith('-');
  const nb = b.startsWith('-');
  if (na !== nb) return na ? -1 : 1;
  const [ai = '', af = ''] = (na ? a.slice(1) : a).split('.');
  const [bi = '', bf = ''] = (nb ? b.slice(1) : b).split('.');
  let c = ai.length - bi.length || cmp(ai, bi);
  if (c === 0) {
    const width = Math.max(af.length, bf.length);
    c = cmp(af.padEnd(width, '0'), bf.padEnd(width, '0'));
  }
  return na ? -c : c;
}

/** A string that sorts like the instant (zoned) or the local date-time (unzoned), to nanoseconds. */
function timestampSortKey(ts: Timestamp): string {
  const m = /^(.{19})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(ts.iso);
  if (!m) return ts.iso;
  const fraction = (m[2] ?? '').padEnd(9, '0');
  if (!m[3]) return `${m[1]}.${fraction}`;
  const utc = new Date(`${m[1]}${m[3]}`).toISOString().slice(0, 19);
  return `${utc}.${fraction}`;
}
