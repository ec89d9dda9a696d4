import type { FerryRecord } from '../../changes/index.js';
import type { Position } from '../checkpoint.js';
import type { ChangeRead, PreflightCheck } from '../source.js';
import type { ChangeList } from '../sql/change-list.js';
import type { SqlDb, SqlDialect } from '../sql/dialect.js';
import type { KeyOrder, SqlFragment } from '../sql/keyset.js';
import type { ResolvedTable } from '../sql/resolved-table.js';

/** What a strategy works with for one table. */
export interface StrategyContext {
  readonly db: SqlDb;
  readonly dialect: SqlDialect;
  readonly table: ResolvedTable;
  /** Wall clock of the runner, ms since the epoch (for grace periods). */
  now(): number;
  /** Decoded rows strictly after `afterKey` in key order, at most `limit`. */
  readChunk(afterKey: FerryRecord | undefined, limit: number, order: KeyOrder): Promise<FerryRecord[]>;
  /**
   * A list for the changes of one read (about `expected` of them), which the source encodes as they are
   * added while nobody reads this table's changes as objects. Absent in a context made by hand: the
   * changes are then kept as objects.
   */
  changeList?(expected: number): ChangeList;
}

/** A strategy's answer to a read: {@link ChangeRead} without the columns, which the source adds. */
export type StrategyRead = Omit<ChangeRead, 'columns'>;

/**
 * One change-capture strategy on SQL (`incrementing`, `timestamp`, `changelog`, `diff`, or a connector's
 * native one). Created once per source; holds no state between calls beyond caches it can rebuild from a
 * position, so a position from another process (after a restart) works the same.
 */
export interface CaptureStrategy {
  /** The `kind` of {@link StrategyConfig} it serves. */
  readonly kind: string;
  /** Validates a decoded position; throws when it is not one of this strategy's. */
  parsePosition(position: Position): Position;
  /** Position to continue from after a snapshot started now (see {@link Source.watermark}). */
  watermark(ctx: StrategyContext): Promise<Position>;
  /**
   * The table reference snapshot chunks read from, for a strategy whose snapshot must be consistent with
   * its watermark (Oracle `t AS OF SCN ?`). Default: the table itself.
   */
  snapshotFrom?(ctx: StrategyContext, position: Position): SqlFragment;
  /** Key order of the snapshot; `binary` when the strategy merges with its own sorted state. */
  readonly snapshotOrder?: KeyOrder;
  /** Called with each snapshot chunk's rows before it is handed out; returns the position after it. */
  afterSnapshotChunk?(
    ctx: StrategyContext,
    rows: readonly FerryRecord[],
    position: Position,
    done: boolean,
  ): Promise<Position>;
  /** Up to `limit` changes after `position`. */
  changes(ctx: StrategyContext, position: Position, limit: number): Promise<StrategyRead>;
  /** Strategy prerequisites for the table. */
  preflight(ctx: StrategyContext): Promise<PreflightCheck[]>;
  /** Releases files and caches. */
  close?(): Promise<void>;
}
