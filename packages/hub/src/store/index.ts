export { type Application, type ApplicationStatus, ApplicationStore } from './applications.js';
export {
  type AuditAction,
  type AuditEntry,
  type AuditOutcome,
  type AuditRecord,
  AuditStore,
} from './audit.js';
export { CatalogStore, type CatalogVersionRow, contentHash, toCatalogRecord } from './catalog.js';
export { type ChangeBatchRow, ChangeLogStore } from './change-log.js';
export { type Database, openDatabase } from './database.js';
export { type CertificateRecord, type DepartmentRecord, DepartmentStore } from './departments.js';
export { DatabaseNonceStore } from './nonces.js';
export { createResourceTable, type KeyItem, type ResourceRow, ResourceStore } from './resources.js';
export { type AppliedEnvelope, type StreamState, StreamStore } from './streams.js';
