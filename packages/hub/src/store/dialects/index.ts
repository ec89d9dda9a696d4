export type { DeleteBatch, Dialect, ResourceTableShape, UpsertBatch } from './dialect.js';
export { postgresDialect } from './postgres.js';
export { sqliteDialect } from './sqlite.js';
