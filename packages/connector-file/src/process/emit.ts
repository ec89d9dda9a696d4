// Phase three: the spool is handed to the sink in batches, each with the cursor it reaches. A batch and
// its cursor are committed together by the sink, so a restart continues after the last committed batch.
import { type Change, decodeValue, type FerryRecord } from '@ferry/sdk/changes';
import type { ChangeBatch, ChangeSink } from '@ferry/sdk/connector';
import { DELETE, SpoolReader } from '../diff/spool.js';
import { type RowMapper, SYNTHETIC_KEY } from '../rows/row-mapper.js';
import { encodeCursor } from './cursor.js';

export interface EmitInput {
  sink: ChangeSink;
  resource: string;
  spoolPath: string;
  total: number;
  /** Changes the sink already holds (from its cursor). */
  from: number;
  /** True once a batch of this export is in the sink (its snapshot has begun). */
  begun: boolean;
  /** Frame the changes as a full snapshot (first export or resnapshot). */
  snapshot: boolean;
  batchSize: number;
  mapper: RowMapper;
  /** Key names of delete entries (the previous state's). */
  keyNames: readonly string[];
  file: string;
  sha256: string;
  generation: number;
  signal?: AbortSignal | undefined;
}

/** Sends the spool's changes from `from` on; returns the number of batches written. */
export async function emitChanges(input: EmitInput): Promise<number> {
  const { total, snapshot } = input;
  if (total === 0 && !snapshot) return 0;
  const reader = new SpoolReader(input.spoolPath, total);
  let batches = 0;
  try {
    reader.skip(input.from);
    let offset = input.from;
    let begun = input.begun;
    const cursor = (at: number, done: boolean) =>
      encodeCursor({
        file: input.file,
        sha256: input.sha256,
        generation: input.generation,
        offset: at,
        total,
        done,
      });
    for (;;) {
      input.signal?.throwIfAborted();
      const changes: Change[] = [];
      while (changes.length < input.batchSize && offset + changes.length < total) {
        reader.next();
        changes.push(toChange(input, reader.op, reader.line, reader.text));
      }
      const next = offset + changes.length;
      const last = next === total;
      const frame: ChangeBatch['snapshot'] = !snapshot
        ? undefined
        : !begun
          ? 'begin'
          : last
            ? 'end'
            : 'continue';
      const done = last && (!snapshot || frame === 'end');
      await input.sink.write({
        resource: input.resource,
        changes,
        cursor: cursor(next, done),
        ...(frame ? { snapshot: frame } : {}),
      });
      batches++;
      begun = true;
      offset = next;
      if (last) {
        if (!done) {
          // A snapshot that fit in its first batch still needs its end.
          await input.sink.write({
            resource: input.resource,
            changes: [],
            cursor: cursor(total, true),
            snapshot: 'end',
          });
          batches++;
        }
        return batches;
      }
    }
  } finally {
    reader.close();
  }
}

function toChange(input: EmitInput, op: number, line: number, text: string): Change {
  const position = `${input.file}:${line}`;
  if (op === DELETE) {
    const encoded = JSON.parse(text) as unknown[];
    const key: FerryRecord = {};
    input.keyNames.forEach((name, i) => {
      key[name] = decodeValue(encoded[i]);
    });
    return { op: 'delete', key };
  }
  const row = input.mapper.recordOf(text);
  if (input.mapper.keyNames.length === 0) {
    // append mode without a key: the export's content hash and the row's line identify the row.
    const key = { [SYNTHETIC_KEY]: `${input.sha256.slice(0, 16)}:${line}` };
    return { op: 'upsert', key, row: { ...key, ...row }, position };
  }
  return { op: 'upsert', key: input.mapper.keyOf(row), row, position };
}
