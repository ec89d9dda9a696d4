/**
 * Ferry hub (共享平台): the reference exchange platform. Catalog registry and review, envelope ingest with
 * signed receipts, the shared-data store, pull API for consumers, applications and audit.
 */

export { ENV_OVERRIDES } from './config/env.js';
export { type ConfigSource, type LoadedHubConfig, loadHubConfigFile, parseHubConfig } from './config/load.js';
export {
  DEPARTMENT_CODE_PATTERN,
  type HubConfig,
  type HubConfigInput,
  hubConfigSchema,
} from './config/schema.js';
export { ENVELOPE_MEDIA_TYPE } from './http/body-parsers.js';
export type { ErrorBody } from './http/errors.js';
export { type CreateHubOptions, createHub, type Hub } from './server.js';
export { startHubFromConfigFile } from './start.js';
