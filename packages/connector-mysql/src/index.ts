export { mysqlChangelog } from './changelog.js';
export { mysql, type MysqlConfig, mysqlKnexConfig } from './connector.js';
export { mysqlDialect } from './dialect.js';
