export { postgres, type PostgresConfig, postgresKnexConfig } from './connector.js';
export { postgresChangelog } from './changelog.js';
export { postgresDialect } from './dialect.js';
export { ferryPgTypes } from './type-parsers.js';
