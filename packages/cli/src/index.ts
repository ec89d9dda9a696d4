/**
 * The `ferry` command as a library: build the commander program or run it in-process (tests, embedding).
 *
 * The CLI imports everything from the `@ferry/sdk` root entry, never from subpaths: each subpath of the SDK's
 * build is a separate bundle with its own copy of classes such as `TrustStore` and `FerryError`, so objects
 * made through one subpath fail the `instanceof` checks of another.
 */
export { type DraftedEntry, draftCatalog } from './connector/catalog-draft.js';
export { type CheckResult, checkConnector } from './connector/check.js';
export { type LoadedConnectorConfig, loadConnectorConfig, parseConnectorConfig } from './connector/config.js';
export { type ConnectorConfig, connectorConfigSchema } from './connector/config-schema.js';
export { ConnectorDaemon, type ConnectorDaemonOptions } from './connector/daemon.js';
export type { HealthReport } from './connector/health.js';
export { createLogger, type LoggerOptions } from './connector/logger.js';
export { createProgram, runCli } from './program.js';
export type { CliIo } from './util/io.js';
export { processIo } from './util/io.js';
