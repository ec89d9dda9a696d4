/**
 * Connector framework: the {@link Source} contract, the runner, SQL capture strategies on knex, cursors
 * and catalog drafting. Import from `@ferry/sdk/connector`; knex is only needed by SQL connectors, which
 * bring it (it is an optional peer dependency of the sdk and never loaded by other subpaths).
 */
export {
  CHECKPOINT_VERSION,
  type Checkpoint,
  createCheckpointCodec,
  type JsonValue,
  type Position,
} from './checkpoint.js';
export { type ConnectorFactory, defineConnector } from './define-connector.js';
export { type CatalogEntryDraft, dataItemOf, draftCatalogEntries } from './draft-catalog.js';
export { loadModule } from './load-module.js';
export { ConnectorMetrics, type ConnectorMetricsSnapshot, type TableMetrics } from './runner/metrics.js';
export { preflightConnector } from './runner/preflight-connector.js';
export {
  type ConnectorEvent,
  type RunConnectorOptions,
  runConnector,
  type TableConfig,
} from './runner/run-connector.js';
export type { ChangeBatch, ChangeSink } from './sink.js';
export type {
  CaptureTable,
  ChangelogStrategyConfig,
  ChangeRead,
  ChangesOptions,
  CheckpointCodec,
  ColumnType,
  DiffStrategyConfig,
  IncrementingStrategyConfig,
  PreflightCheck,
  SnapshotChunk,
  SnapshotOptions,
  Source,
  SourceColumn,
  SourceTable,
  StrategyConfig,
  TimestampStrategyConfig,
} from './source.js';
export { ChangeList, changeList, eachRow, eachUpsert } from './sql/change-list.js';
export {
  decodeSqlValue,
  encodeSqlParam,
  epochSecondsText,
  parseSqlTimestamp,
  type SqlValueDecoder,
  sqlDecoder,
  sqlTimestampText,
  timestampFromEpochSeconds,
} from './sql/decode-value.js';
export type { ChangelogDialect, ChangelogNames, RawRow, SqlDb, SqlDialect } from './sql/dialect.js';
export { afterPredicate, type KeyOrder, orderList, type SqlFragment } from './sql/keyset.js';
export { qualifiedName, type ResolvedTable, resolveTable } from './sql/resolved-table.js';
export { createSqlSource, type SqlSource, type SqlSourceOptions } from './sql/sql-source.js';
export { type TextRow, TextRowWriter, textRowWriter } from './sql/text-rows.js';
export { changelogNames } from './strategies/changelog.js';
export { compareKeys } from './strategies/diff-state.js';
export { type Gap, GapTracker } from './strategies/gaps.js';
export type { CaptureStrategy, StrategyContext, StrategyRead } from './strategies/strategy.js';
