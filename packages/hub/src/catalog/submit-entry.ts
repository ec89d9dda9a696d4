// Registering a catalog entry version (目录编目提交): validated, owned by its provider, idempotent for the same
// content, and a new version only when no other version is on its way through review.
import {
  applyCatalogAction,
  type CatalogRecord,
  FerryError,
  nextStatus,
  publishedVersion,
  validateCatalogEntry,
} from '@ferry/sdk';
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import { contentHash, toCatalogRecord } from '../store/index.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { keyItemsOf, sameKeyItems } from './key-items.js';

const IN_PROGRESS = new Set(['draft', 'submitted', 'approved', 'rejected']);

/**
 * Registers `input` for `provider`. Resolves with the stored version and `created: false` when this code and
 * version are already registered with the same content. Throws `FERRY_CATALOG_INVALID` (422),
 * `FERRY_FORBIDDEN` (another provider), `FERRY_CONFLICT` (same version with other content, or a version
 * number that is not next) and `FERRY_CATALOG_TRANSITION` (another version still in review).
 */
export async function submitEntry(
  ctx: HubContext,
  provider: string,
  input: unknown,
): Promise<{ record: CatalogRecord; created: boolean }> {
  const entry = validateCatalogEntry(input);
  if (entry.providerCode !== provider) {
    throw fail(
      'FERRY_FORBIDDEN',
      `Department ${provider} cannot register an entry whose providerCode is ${entry.providerCode}`,
      {
        field: 'providerCode',
      },
    );
  }
  const { db, stores } = ctx;
  try {
    return await db.knex.transaction(async (trx) => {
      const versions = await stores.catalog.versions(entry.code, trx);
      const same = versions.find((v) => v.version === entry.version);
      if (same) {
        if (same.contentHash === contentHash(entry)) return { record: toCatalogRecord(same), created: false };
        throw fail(
          'FERRY_CONFLICT',
          `Version ${entry.version} of ${entry.code} is already registered with other content; raise the version`,
          {
            field: 'version',
            details: { version: entry.version },
          },
        );
      }
      const owner = versions[0]?.providerCode;
      if (owner !== undefined && owner !== provider) {
        throw fail('FERRY_FORBIDDEN', `Resource ${entry.code} is provided by ${owner}`, { field: 'code' });
      }
      const resource = await stores.resources.get(entry.code, trx);
      if (resource && !sameKeyItems(resource.keyItems, keyItemsOf(entry))) {
        throw new FerryError(
          'FERRY_CATALOG_INVALID',
          'The key items of a published resource cannot change; register a new resource code',
          {
            location: { field: 'dataItems' },
            details: {
              issues: [
                {
                  path: 'dataItems',
                  messageZh: '已发布信息资源的主键信息项不可更改，请使用新的信息资源代码登记',
                  messageEn:
                    'The key items of a published resource cannot change; register a new resource code',
                },
              ],
            },
          },
        );
      }
      const states = versions.map((v) => ({ version: v.version, status: v.status }));
      const newest = Math.max(0, ...states.map((s) => s.version));
      const published = publishedVersion(states);
      if (published) {
        // Revising the published version keeps it readable and opens version newest + 1 (throws while one is open).
        applyCatalogAction(states, published.version, 'revise', 'provider');
        if (entry.version !== newest + 1) {
          throw fail('FERRY_CONFLICT', `The next version of ${entry.code} is ${newest + 1}`, {
            field: 'version',
            details: { expectedVersion: newest + 1 },
          });
        }
      } else {
        const open = states.find((s) => IN_PROGRESS.has(s.status));
        if (open) {
          throw new FerryError(
            'FERRY_CATALOG_TRANSITION',
            `Version ${open.version} of ${entry.code} is ${open.status}; withdraw it before registering another version`,
            {
              details: {
                openVersion: open.version,
                status: open.status,
                messageZh: `该目录条目的第 ${open.version} 版尚未完成审核（${open.status}），请先撤销`,
              },
            },
          );
        }
        if (entry.version <= newest) {
          throw fail(
            'FERRY_CONFLICT',
            `Versions up to ${newest} of ${entry.code} exist; register version ${newest + 1}`,
            {
              field: 'version',
              details: { expectedVersion: newest + 1 },
            },
          );
        }
      }
      const status = nextStatus('draft', 'submit', 'provider');
      await stores.catalog.insert(entry, status, trx);
      await stores.audit.write(
        {
          actor: provider,
          action: 'catalog.submit',
          outcome: 'ok',
          resource: entry.code,
          details: { version: entry.version },
        },
        trx,
      );
      const stored = (await stores.catalog.versions(entry.code, trx)).find(
        (v) => v.version === entry.version,
      )!;
      return { record: toCatalogRecord(stored), created: true };
    });
  } catch (err) {
    // Two submissions of one new version raced; the loser sees the winner's row and answers as for a resubmission.
    if (isUniqueViolation(err)) return submitEntry(ctx, provider, input);
    throw err;
  }
}
