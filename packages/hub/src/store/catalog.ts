// Catalog entry versions (目录条目版本) and their lifecycle status.
import { createHash } from 'node:crypto';
import type { CatalogEntry, CatalogRecord, CatalogStatus } from '@ferry/sdk';
import type { Knex } from 'knex';
import { nowIso, toIso } from './values.js';

/** One stored version of a catalog entry. */
export interface CatalogVersionRow {
  code: string;
  version: number;
  providerCode: string;
  status: CatalogStatus;
  entry: CatalogEntry;
  contentHash: string;
  reviewComment: string | undefined;
  createdAt: string;
  updatedAt: string;
}

/** Reads and writes catalog versions. */
export class CatalogStore {
  constructor(private readonly knex: Knex) {}

  /** Every version of one resource, oldest first. */
  async versions(code: string, db: Knex = this.knex): Promise<CatalogVersionRow[]> {
    const rows = await db('catalog_versions').where({ code }).orderBy('version');
    return rows.map(fromRow);
  }

  /** Every version of every resource, by code then version. */
  async all(): Promise<CatalogVersionRow[]> {
    const rows = await this.knex('catalog_versions').orderBy([{ column: 'code' }, { column: 'version' }]);
    return rows.map(fromRow);
  }

  /** Adds a version. */
  async insert(entry: CatalogEntry, status: CatalogStatus, db: Knex = this.knex): Promise<void> {
    const now = nowIso();
    await db('catalog_versions').insert({
      code: entry.code,
      version: entry.version,
      provider_code: entry.providerCode,
      status,
      entry: JSON.stringify(entry),
      content_hash: contentHash(entry),
      created_at: now,
      updated_at: now,
    });
  }

  /** Sets the status of versions (and the review comment of one of them). */
  async setStatuses(
    code: string,
    changes: readonly { version: number; status: CatalogStatus }[],
    db: Knex = this.knex,
    comment?: { version: number; text: string | null },
  ): Promise<void> {
    const now = nowIso();
    for (const change of changes) {
      await db('catalog_versions')
        .where({ code, version: change.version })
        .update({
          status: change.status,
          updated_at: now,
          ...(comment && comment.version === change.version ? { review_comment: comment.text } : {}),
        });
    }
  }
}

/** The version as the API returns it ({@link CatalogRecord} of the SDK). */
export function toCatalogRecord(row: CatalogVersionRow): CatalogRecord {
  return {
    code: row.code,
    version: row.version,
    status: row.status,
    entry: row.entry,
    updatedAt: row.updatedAt,
    ...(row.reviewComment === undefined ? {} : { reviewComment: row.reviewComment }),
  };
}

/** SHA-256 of the entry's JSON with sorted keys: equal for equal content whatever the key order it arrived in. */
export function contentHash(entry: CatalogEntry): string {
  return createHash('sha256').update(sortedJson(entry)).digest('hex');
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fromRow(row: Record<string, unknown>): CatalogVersionRow {
  return {
    code: String(row.code),
    version: Number(row.version),
    providerCode: String(row.provider_code),
    status: row.status as CatalogStatus,
    entry: JSON.parse(String(row.entry)) as CatalogEntry,
    contentHash: String(row.content_hash),
    reviewComment:
      row.review_comment === null || row.review_comment === undefined
        ? undefined
        : String(row.review_comment),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}
