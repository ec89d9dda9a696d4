// What the hub's catalog registry answers with.
import type { CatalogStatus } from './lifecycle.js';
import type { CatalogEntry } from './model.js';

/** One version of a catalog entry as the hub holds it. */
export interface CatalogRecord {
  /** The entry's resource code. */
  code: string;
  /** The entry's version. */
  version: number;
  /** Where this version is in its lifecycle. */
  status: CatalogStatus;
  /** The entry as registered. */
  entry: CatalogEntry;
  /** When the hub last changed this version (ISO 8601). */
  updatedAt: string;
  /** The reviewer's comment from the last review, if any. */
  reviewComment?: string;
}

/** The answer to `CatalogClient.submit`. */
export interface CatalogSubmitResult {
  /** The stored version. */
  record: CatalogRecord;
  /** `false` when the hub already held this code and version with the same content (an idempotent replay). */
  created: boolean;
}

/** A reviewer's decision (审核意见). */
export type CatalogReviewDecision = 'approve' | 'reject';

/** The error body the hub sends with a 4xx or 5xx status. */
export type { HubErrorBody } from '../http/hub-transport.js';
