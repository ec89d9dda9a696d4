// Binds a file's columns to the configured ones, checks each row, and turns raw text into Ferry values.
// Rows travel through the diff as raw text (a JSON array of the configured columns' cells): comparing and
// storing text is cheaper than typed values, and the typed row is built only for rows that changed.
import { encodeValue, type FerryRecord, type FerryValue } from '@ferry/sdk/changes';
import { FerryError } from '@ferry/sdk/errors';
import type { ColumnConfig, ResourceConfig } from '../config/resource-config.js';
import {
  createRangeParser,
  createValueChecker,
  createValueParser,
  type RangeParser,
  type ValueChecker,
  type ValueParser,
} from '../values/parse-value.js';
import type { BadRow } from './bad-row.js';
import { decodeRawRow, JSON_MARK_CODE, RAW_SEP } from './raw-row-codec.js';

/** Cells of the configured columns, in configuration order; null for an empty or absent cell. */
export type RawRow = (string | null)[];

interface ResolvedColumn {
  source: string;
  name: string;
  parse: ValueParser;
  check: ValueChecker;
  /** parse of a cell inside a row's text, without slicing it out first. */
  parseAt: RangeParser;
  /** The JSON text of the column's encoded value, as an element of a key's text; throws like parse. */
  keyJson: (text: string) => string;
}

/** Output column of the synthetic key of `append` mode without a key. */
export const SYNTHETIC_KEY = '_row';

export class RowMapper {
  readonly columns: readonly ResolvedColumn[];
  readonly keyNames: readonly string[];
  private readonly keyIdx: readonly number[];
  /** Columns {@link check} looks at after the key: neither key nor string columns. */
  private readonly checkIdx: readonly number[];
  private readonly file: string;
  /** Position of each configured column in the source record (tabular formats). */
  private fieldIndex: Int32Array | undefined;
  private fieldCount = 0;
  private headerNames: readonly string[] = [];
  /** Cells of the row being built by {@link recordOf}. */
  private readonly vals: FerryValue[] = [];
  private readonly makeRow: (values: readonly FerryValue[]) => FerryRecord;

  constructor(config: ResourceConfig, file: string) {
    this.file = file;
    this.columns = Object.entries(config.columns).map(([source, c]) => {
      const options = { type: c.type, format: c.format, zone: c.zone ?? config.timezone, trim: c.trim };
      const parse = createValueParser(options);
      return {
        source,
        name: c.name,
        parse,
        parseAt: createRangeParser(options),
        check: createValueChecker(options),
        keyJson: keyJsonOf(c.type, c.format, parse),
      };
    });
    this.keyIdx = config.key.map((k) => this.columns.findIndex((c) => c.name === k));
    this.keyNames = config.key;
    this.checkIdx = this.columns
      .map((_, i) => i)
      .filter((i) => !this.keyIdx.includes(i) && config.columns[this.columns[i]!.source]!.type !== 'string');
    this.makeRow = rowMaker(this.columns.map((c) => c.name));
    if (Array.isArray(config.header)) this.bindHeader(config.header, 0);
  }

  get hasHeader(): boolean {
    return this.fieldIndex !== undefined;
  }

  /** Binds a tabular header. A configured column that the header lacks makes the file malformed. */
  bindHeader(names: readonly string[], line: number): void {
    const clean = names.map((n, i) => (i === 0 ? n.replace(/^\ufeff/, '') : n).trim());
    const index = new Int32Array(this.columns.length);
    const missing: string[] = [];
    this.columns.forEach((c, i) => {
      index[i] = clean.indexOf(c.source);
      if (index[i]! < 0) missing.push(c.source);
    });
    if (missing.length > 0) {
      throw new FerryError(
        'FERRY_FILE_MALFORMED',
        `${this.file}${line ? `:${line}` : ''}: the header lacks configured column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (found ${clean.map((n) => `"${n}"`).join(', ')})`,
        { location: { file: this.file, ...(line ? { line } : {}) }, details: { missing } },
      );
    }
    this.fieldIndex = index;
    this.fieldCount = clean.length;
    this.headerNames = clean;
  }

  /** Picks the configured cells of a tabular record, or reports a wrong column count. */
  fromFields(fields: readonly string[], line: number): RawRow | BadRow {
    const index = this.fieldIndex!;
    if (fields.length !== this.fieldCount) {
      const at = Math.min(fields.length, this.fieldCount);
      return {
        file: this.file,
        line,
        column: { name: this.headerNames[at] ?? `#${at + 1}`, index: at + 1 },
        reason: 'columns',
        message: `expected ${this.fieldCount} columns, found ${fields.length}`,
      };
    }
    const raw: RawRow = new Array(index.length);
    for (let i = 0; i < index.length; i++) {
      const v = fields[index[i]!]!;
      raw[i] = v === '' ? null : v;
    }
    return raw;
  }

  /** Picks the configured properties of a JSON object; absent ones are null. */
  fromObject(obj: Record<string, unknown>): RawRow {
    const raw: RawRow = new Array(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) raw[i] = jsonCell(obj[this.columns[i]!.source]);
    return raw;
  }

  /**
   * Checks every cell against its type and returns the row's canonical key text (the JSON of the encoded
   * key values), or the first problem. `line` stands in for the key in `append` mode without a key.
   */
  check(raw: RawRow, at: { line?: number; record?: number }): string | BadRow {
    const cols = this.columns;
    let keyText = '';
    if (this.keyIdx.length === 0) keyText = String(at.line ?? at.record);
    else {
      // The JSON of the array of encoded key values, written element by element.
      for (let k = 0; k < this.keyIdx.length; k++) {
        const i = this.keyIdx[k]!;
        const v = raw[i];
        if (v === null || v === undefined)
          return this.bad(at, i, 'key-missing', `key column "${cols[i]!.name}" is empty`);
        let part: string;
        try {
          part = cols[i]!.keyJson(v);
        } catch (err) {
          return this.bad(at, i, 'type', (err as Error).message, v);
        }
        keyText = k === 0 ? part : `${keyText},${part}`;
      }
      keyText = `[${keyText}]`;
    }
    // Key cells were parsed above; string cells always pass.
    const checked = this.checkIdx;
    for (let c = 0; c < checked.length; c++) {
      const i = checked[c]!;
      const v = raw[i];
      if (v === null || v === undefined) continue;
      const problem = cols[i]!.check(v);
      if (problem !== undefined) return this.bad(at, i, 'type', problem, v);
    }
    return keyText;
  }

  /** The typed row of raw cells already checked by {@link check}. */
  toRecord(raw: RawRow): FerryRecord {
    const row: FerryRecord = {};
    const cols = this.columns;
    for (let i = 0; i < cols.length; i++) {
      const v = raw[i];
      row[cols[i]!.name] = v === null || v === undefined ? null : cols[i]!.parse(v);
    }
    return row;
  }

  /**
   * The typed row of a raw row's text (raw-row-codec.ts) already checked by {@link check}: the same as
   * `toRecord(decodeRawRow(text))`, without the intermediate array.
   */
  recordOf(text: string): FerryRecord {
    if (text.charCodeAt(0) === JSON_MARK_CODE) return this.toRecord(decodeRawRow(text));
    const vals = this.vals;
    const cols = this.columns;
    const n = text.length;
    let start = 0;
    for (let i = 0; i < cols.length; i++) {
      let end = start > n ? start : text.indexOf(RAW_SEP, start);
      if (end < 0) end = n;
      vals[i] = end <= start ? null : cols[i]!.parseAt(text, start, end);
      start = end + 1;
    }
    return this.makeRow(vals);
  }

  /** The key of a typed row. */
  keyOf(row: FerryRecord): FerryRecord {
    const key: FerryRecord = {};
    for (const name of this.keyNames) key[name] = row[name] ?? null;
    return key;
  }

  private bad(
    at: { line?: number; record?: number },
    i: number,
    reason: BadRow['reason'],
    message: string,
    value?: string,
  ): BadRow {
    const col = this.columns[i]!;
    const index = this.fieldIndex ? this.fieldIndex[i]! + 1 : i + 1;
    return {
      file: this.file,
      ...(at.line !== undefined ? { line: at.line } : {}),
      ...(at.record !== undefined ? { record: at.record } : {}),
      column: { name: col.source, index },
      reason,
      message,
      ...(value !== undefined ? { value: value.length > 200 ? `${value.slice(0, 200)}…` : value } : {}),
    };
  }
}

/**
 * A function building a row object from its values in column order. Compiled to one object literal when
 * the runtime allows it: every row then has the same shape from the start, where assigning computed keys
 * one by one costs a keyed lookup per cell (a tenth of the time spent sending a first export). Names are
 * JSON string literals; `__proto__`, which a literal would take as the prototype, keeps the loop.
 */
export function rowMaker(names: readonly string[]): (values: readonly FerryValue[]) => FerryRecord {
  const loop = (values: readonly FerryValue[]) => {
    const row: FerryRecord = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
    return row;
  };
  if (names.includes('__proto__')) return loop;
  try {
    const body = names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ');
    return new Function('v', `"use strict"; return { ${body} };`) as (
      values: readonly FerryValue[],
    ) => FerryRecord;
  } catch {
    // Code generation from strings disabled (--disallow-code-generation-from-strings).
    return loop;
  }
}

const SAFE_INTEGER = /^[+-]?\d{1,15}$/;

/**
 * The key element writer of a column: JSON.stringify(encodeValue(parse(text))), with a shortcut for plain
 * integers of up to 15 digits (a number whose JSON is its String()).
 */
function keyJsonOf(
  type: ColumnConfig['type'],
  format: string | undefined,
  parse: ValueParser,
): (text: string) => string {
  const general = (text: string) => JSON.stringify(encodeValue(parse(text)));
  if (type !== 'integer' || format?.includes(',')) return general;
  return (text) => {
    const t = text.trim();
    return SAFE_INTEGER.test(t) ? String(Number(t)) : general(text);
  };
}

export function isBadRow(v: unknown): v is BadRow {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'reason' in v;
}

function jsonCell(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}
