export type { DeleteBatch, Dialect, ResourceTableShape, RowTexts, UpsertBatch } from './dialect.js';
export { rowCount, rowText } from './dialect.js';
export { postgresDialect } from './postgres.js';
export { sqliteDialect } from './sqlite.js';
