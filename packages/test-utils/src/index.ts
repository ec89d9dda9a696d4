export { MemorySink } from './memory-sink.js';
export { type ConformanceSql, type SqlConnectorHarness, testSqlConnector } from './sql-connector-suite.js';
