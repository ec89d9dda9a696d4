export { type CaptureInstance, type CdcStrategyConfig, cdcStrategy, chooseInstance } from './cdc.js';
export { type ChangeTrackingStrategyConfig, changeTrackingStrategy } from './change-tracking.js';
export { mssqlChangelog } from './changelog.js';
export { type MssqlConfig, mssql, mssqlConnectionOptions, mssqlKnexConfig } from './connector.js';
export { mssqlDialect } from './dialect.js';
export {
  changeTrackingExpired,
  EXPIRED_MSSQL_ERRORS,
  type MssqlDriverError,
  mapMssqlError,
} from './errors.js';
export { MSSQL_FACT_QUERIES, type MssqlFacts, mssqlStrategyChecks } from './preflight.js';
export { nextRowversion, type RowversionStrategyConfig, rowversionStrategy } from './rowversion.js';
export { columnTypeOf, paramExpression, selectExpression } from './type-mapping.js';
