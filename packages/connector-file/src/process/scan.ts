// Phase one of processing a file: read it once, decode, parse, check every row, and spread the good rows
// over bucket files. Nothing leaves the process here: a file that does not decode or is rejected stops
// before any change is sent.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ResourceConfig } from '../config/resource-config.js';
import { type BucketFiles, BucketWriter } from '../diff/buckets.js';
import { createDecoder } from '../encoding/auto-decoder.js';
import type { FileEncoding } from '../encoding/decoder.js';
import { createCsvReader } from '../formats/csv.js';
import { createJsonArrayReader } from '../formats/json-array.js';
import { createNdjsonReader } from '../formats/ndjson.js';
import type { RecordHandler, TextFormatReader } from '../formats/record-handler.js';
import { readXlsx } from '../formats/xlsx.js';
import { encodeRawRow } from '../rows/raw-row-codec.js';
import { isBadRow, type RowMapper } from '../rows/row-mapper.js';
import type { BadRowLog } from './bad-row-log.js';

const CHUNK = 1 << 20;

export interface ScanInput {
  path: string;
  fileName: string;
  config: ResourceConfig;
  mapper: RowMapper;
  badRows: BadRowLog;
  workDir: string;
  bucketCount: number;
  signal?: AbortSignal | undefined;
}

export interface ScanResult {
  sha256: string;
  bytes: number;
  encoding: FileEncoding | undefined;
  /** Rows that passed the checks (duplicates are found later). */
  rows: number;
  buckets: BucketFiles;
}

export async function scanFile(input: ScanInput): Promise<ScanResult> {
  const { config, mapper, badRows, fileName } = input;
  const buckets = new BucketWriter(input.workDir, input.bucketCount);
  // Decoded CSV/TSV text cannot hold the row codec's separator; JSON and workbook cells can.
  const checkRows = config.format !== 'csv' && config.format !== 'tsv';
  let rows = 0;
  const accept = (raw: ReturnType<RowMapper['fromObject']>, at: { line?: number; record?: number }) => {
    const key = mapper.check(raw, at);
    if (typeof key !== 'string') {
      badRows.add(key);
      return;
    }
    const line = at.line ?? at.record ?? 0;
    if (checkRows) buckets.add(key, encodeRawRow(raw, true), line);
    else buckets.addCells(key, raw, line);
    rows++;
  };
  const handler: RecordHandler = {
    tabular(fields, line) {
      if (!mapper.hasHeader) {
        mapper.bindHeader(fields, line);
        return;
      }
      const raw = mapper.fromFields(fields, line);
      if (isBadRow(raw)) badRows.add(raw);
      else accept(raw, { line });
    },
    object(value, at) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        badRows.add({ file: fileName, ...at, reason: 'syntax', message: 'not a JSON object' });
        return;
      }
      accept(mapper.fromObject(value as Record<string, unknown>), at);
    },
    syntax(at, message) {
      badRows.add({ file: fileName, ...at, reason: 'syntax', message });
    },
  };

  let result: Omit<ScanResult, 'rows' | 'buckets'>;
  try {
    if (config.format === 'xlsx') {
      const { sha256, bytes } = await hashFile(input.path);
      const width = Array.isArray(config.header) ? config.header.length : undefined;
      await readXlsx(input.path, { file: fileName, sheet: config.sheet, width }, handler);
      result = { sha256, bytes, encoding: undefined };
    } else {
      result = await readText(input, handler);
    }
  } catch (err) {
    buckets.close();
    throw err;
  }
  const files = buckets.close();
  return { ...result, rows, buckets: files };
}

async function readText(
  input: ScanInput,
  handler: RecordHandler,
): Promise<Omit<ScanResult, 'rows' | 'buckets'>> {
  const { config, fileName } = input;
  const reader = await createReader(config, fileName, handler);
  const decoder = createDecoder(config.encoding, fileName);
  const hash = createHash('sha256');
  const fh = await open(input.path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      // A fresh buffer per read: UTF-8 input is handed on without a copy and the parser may keep a slice.
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      bytes += bytesRead;
      hash.update(chunk);
      const text = decoder.write(chunk);
      if (text.length > 0) reader.write(text);
      input.signal?.throwIfAborted();
    }
    const tail = decoder.end();
    if (tail.length > 0) reader.write(tail);
    await reader.end();
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), bytes, encoding: decoder.encoding };
}

async function createReader(
  config: ResourceConfig,
  file: string,
  handler: RecordHandler,
): Promise<TextFormatReader> {
  switch (config.format) {
    case 'csv':
    case 'tsv':
      return createCsvReader(
        {
          file,
          delimiter: config.delimiter ?? (config.format === 'tsv' ? '\t' : ','),
          quote: config.quote ?? (config.format === 'tsv' ? false : '"'),
        },
        handler,
      );
    case 'ndjson':
      return createNdjsonReader(handler);
    case 'json':
      return createJsonArrayReader(file, handler);
    default:
      throw new Error(`no text reader for ${config.format}`);
  }
}

/** SHA-256 and size of a file, streamed. */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
