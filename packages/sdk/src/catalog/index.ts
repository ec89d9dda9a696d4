export type { RequestSigner, SignableRequest } from '../http/hub-transport.js';
export {
  BASIC_CLASSES,
  type BasicClassCode,
  CATEGORY_CODES,
  type CatalogCategory,
  type CatalogClass,
  type CatalogClassification,
  classificationCode,
  DEPARTMENTAL_CLASSES,
  THEMATIC_CLASSES,
  type ThematicClassCode,
} from './classification.js';
export { CatalogClient, type CatalogClientOptions } from './client.js';
export type { CatalogIssue } from './issue.js';
export { catalogEntryJsonSchema } from './json-schema.js';
export {
  CATALOG_STATUSES,
  CATALOG_TRANSITIONS,
  type CatalogAction,
  type CatalogActorRole,
  type CatalogStatus,
  type CatalogTransition,
  nextStatus,
} from './lifecycle.js';
export {
  CATALOG_LEVELS,
  type CatalogEntry,
  type CatalogLevel,
  DATA_ITEM_TYPES,
  type DataItem,
  type DataItemType,
  type OpenAttributes,
  RESOURCE_FORMAT_TYPES,
  type ResourceFormat,
  type ResourceFormatType,
  type Secrecy,
  SHARE_METHODS,
  SHARE_TYPES,
  type ShareAttributes,
  type ShareMethod,
  type ShareType,
  UPDATE_CYCLES,
  type UpdateCycle,
} from './model.js';
export {
  isUnifiedSocialCreditCode,
  PROVIDER_CODE_PATTERN,
  type ProviderCodeKind,
  providerCodeKind,
  unifiedSocialCreditCheckChar,
} from './provider-code.js';
export type { CatalogRecord, CatalogReviewDecision, CatalogSubmitResult, HubErrorBody } from './record.js';
export {
  formatResourceCode,
  isResourceCode,
  type ParsedResourceCode,
  parseResourceCode,
  RESOURCE_CODE_PATTERN,
} from './resource-code.js';
export { catalogEntrySchema } from './schema.js';
export { type CatalogCheckResult, checkCatalogEntry, validateCatalogEntry } from './validate.js';
export { applyCatalogAction, type CatalogVersionState, publishedVersion } from './versions.js';
