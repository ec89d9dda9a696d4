// Cursors: the position of a table's capture, as the opaque string a sink stores per resource.
import { decodeRecord, type EncodedValue, encodeRecord, type FerryRecord } from '../changes/index.js';
import { FerryError } from '../errors/index.js';
import type { CaptureTable, CheckpointCodec } from './source.js';

/** A JSON value: what a position may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A strategy's position: plain JSON chosen by the source (last key, timestamp and key, log id and gaps…). */
export type Position = { [key: string]: JsonValue };

/**
 * Where a table's capture stands. During a snapshot it is the last key committed and the position the
 * incremental capture continues from afterwards; after it, only the incremental position.
 */
export type Checkpoint =
  | {
      phase: 'snapshot';
      table: string;
      strategy: string;
      /** Key of the last row committed; absent before the first chunk. */
      afterKey?: FerryRecord;
      /** Incremental position to continue from once the snapshot is complete (the watermark). */
      position: Position;
      /** Column names of the rows last captured, to notice a changed table shape. */
      columns?: string[];
    }
  | {
      phase: 'incremental';
      table: string;
      strategy: string;
      position: Position;
      columns?: string[];
    };

/** Version of the cursor format; a cursor of another version is `FERRY_CURSOR_INVALID`. */
export const CHECKPOINT_VERSION = 1;

interface WireCheckpoint {
  v: number;
  table: string;
  strategy: string;
  phase: 'snapshot' | 'incremental';
  afterKey?: { [column: string]: EncodedValue };
  position: Position;
  columns?: string[];
}

/**
 * The standard cursor codec: `base64url(JSON)` of `{v: 1, table, strategy, phase, afterKey?, position,
 * columns?}`, keys in the tagged wire form of docs/protocol/changes.md so a 64-bit or decimal key survives.
 *
 * @param validatePosition - checks a decoded position for a strategy and returns it; throw (anything) when
 *   it is not valid and the cursor is reported as `FERRY_CURSOR_INVALID`.
 *
 * @example
 * ```ts
 * const codec = createCheckpointCodec();
 * const cursor = codec.encode({ phase: 'incremental', table: 'orders', strategy: 'incrementing', position: { last: 41 } });
 * codec.decode(cursor, { table: 'orders', strategy: { kind: 'incrementing' } }).position; // { last: 41 }
 * ```
 */
export function createCheckpointCodec(
  validatePosition: (strategy: string, position: Position) => Position = (_s, p) => p,
): CheckpointCodec {
  return {
    encode(checkpoint: Checkpoint): string {
      const wire: WireCheckpoint = {
        v: CHECKPOINT_VERSION,
        table: checkpoint.table,
        strategy: checkpoint.strategy,
        phase: checkpoint.phase,
        ...(checkpoint.phase === 'snapshot' && checkpoint.afterKey
          ? { afterKey: encodeRecord(checkpoint.afterKey) }
          : {}),
        position: checkpoint.position,
        ...(checkpoint.columns ? { columns: checkpoint.columns } : {}),
      };
      return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
    },
    decode(cursor: string, table: CaptureTable): Checkpoint {
      const invalid = (why: string, cause?: unknown): FerryError =>
        new FerryError('FERRY_CURSOR_INVALID', `Cursor for ${table.table} is not usable: ${why}`, {
          cause,
          details: { table: table.table, strategy: table.strategy.kind },
        });
      let wire: WireCheckpoint;
      try {
        if (!/^[A-Za-z0-9_-]*$/.test(cursor)) throw new TypeError('not base64url');
        wire = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as WireCheckpoint;
      } catch (cause) {
        throw invalid('it does not decode', cause);
      }
      if (wire === null || typeof wire !== 'object') throw invalid('it is not an object');
      if (wire.v !== CHECKPOINT_VERSION)
        throw invalid(`format version ${String(wire.v)} is not ${CHECKPOINT_VERSION}`);
      if (wire.table !== table.table) throw invalid(`it belongs to table ${String(wire.table)}`);
      if (wire.strategy !== table.strategy.kind) {
        throw invalid(
          `it was written by the ${String(wire.strategy)} strategy, the table is now ${table.strategy.kind}`,
        );
      }
      if (wire.phase !== 'snapshot' && wire.phase !== 'incremental')
        throw invalid(`unknown phase ${String(wire.phase)}`);
      if (wire.position === null || typeof wire.position !== 'object' || Array.isArray(wire.position)) {
        throw invalid('it has no position');
      }
      if (
        wire.columns !== undefined &&
        !(Array.isArray(wire.columns) && wire.columns.every((c) => typeof c === 'string'))
      ) {
        throw invalid('columns is not a list of names');
      }
      let position: Position;
      let afterKey: FerryRecord | undefined;
      try {
        position = validatePosition(wire.strategy, wire.position);
        afterKey = wire.afterKey === undefined ? undefined : decodeRecord(wire.afterKey);
      } catch (cause) {
        if (cause instanceof FerryError && cause.code === 'FERRY_CURSOR_INVALID') throw cause;
        throw invalid((cause as Error).message, cause);
      }
      const columns = wire.columns ? { columns: wire.columns } : {};
      return wire.phase === 'snapshot'
        ? {
            phase: 'snapshot',
            table: wire.table,
            strategy: wire.strategy,
            ...(afterKey ? { afterKey } : {}),
            position,
            ...columns,
          }
        : { phase: 'incremental', table: wire.table, strategy: wire.strategy, position, ...columns };
    },
  };
}
