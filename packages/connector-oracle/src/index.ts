export { oracleChangelog } from './changelog.js';
export {
  type OracleConfig,
  type OracledbTypes,
  oracle,
  oracleConnectionOptions,
  oracleFetchTypeHandler,
  oracleKnexConfig,
  oracleSessionStatements,
} from './connector.js';
export { DEFAULT_MAX_LOB_BYTES, oracleDecoder, oracleTimestampText } from './decode.js';
export { createOracleDialect, type OracleDialectOptions, oracleDialect } from './dialect.js';
export {
  EXPIRED_ORACLE_ERRORS,
  mapOracleError,
  type OracleDriverError,
  oracleErrorNumber,
} from './errors.js';
export { type FlashbackStrategyConfig, flashbackStrategy } from './flashback.js';
export {
  charsetChecks,
  type OraclePrivilegeFacts,
  oraclePrivilegeChecks,
  PRIVILEGE_QUERIES,
  type TablePrivilege,
} from './preflight.js';
export { type RowscnStrategyConfig, rowscnStrategy } from './rowscn.js';
export { currentScnSql, type ScnSource } from './scn.js';
export { columnTypeOf, normalizeNumberText } from './type-mapping.js';
