export { mysqlChangelog } from './changelog.js';
export { type MysqlConfig, mysql, mysqlKnexConfig } from './connector.js';
export { mysqlDialect } from './dialect.js';
