export { postgresChangelog } from './changelog.js';
export { type PostgresConfig, postgres, postgresKnexConfig } from './connector.js';
export { postgresDialect, postgresSelectDialect } from './dialect.js';
export { ferryPgTypes } from './type-parsers.js';
