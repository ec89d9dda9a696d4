// The lifecycle across the versions of one resource: revising a published entry opens a new version while
// the published one stays readable; publishing the new one supersedes the old.
import { FerryError } from '../errors/index.js';
import { type CatalogAction, type CatalogActorRole, type CatalogStatus, nextStatus } from './lifecycle.js';

/** The status of one version of a resource. */
export interface CatalogVersionState {
  /** The entry's `version`. */
  readonly version: number;
  /** Where that version is in its lifecycle. */
  readonly status: CatalogStatus;
}

// A version still on its way to publication; only one may exist per resource at a time.
const IN_PROGRESS: readonly CatalogStatus[] = ['draft', 'submitted', 'approved', 'rejected'];

/**
 * Applies `action` by `actorRole` to `version` of one resource and returns the new list of versions
 * (sorted by version; the input is not changed). On top of {@link nextStatus}:
 * - `revise` on the published version adds version `max + 1` as a `draft` and leaves the published one
 *   as it is, so readers keep getting it; only one unpublished version may be open at a time.
 * - `publish` of a version marks the previously published version `superseded`; a version older than
 *   the published one cannot be published.
 *
 * Throws `FerryError('FERRY_CATALOG_TRANSITION')` for a move that is not allowed and
 * `FerryError('FERRY_INVALID_ARGUMENT')` for a version that does not exist.
 *
 * @example
 * ```ts
 * let versions = [{ version: 1, status: 'published' as const }];
 * versions = applyCatalogAction(versions, 1, 'revise', 'provider');
 * // [{ version: 1, status: 'published' }, { version: 2, status: 'draft' }]
 * versions = applyCatalogAction(versions, 2, 'submit', 'provider');
 * versions = applyCatalogAction(versions, 2, 'approve', 'reviewer');
 * versions = applyCatalogAction(versions, 2, 'publish', 'reviewer');
 * // [{ version: 1, status: 'superseded' }, { version: 2, status: 'published' }]
 * ```
 */
export function applyCatalogAction(
  versions: readonly CatalogVersionState[],
  version: number,
  action: CatalogAction,
  actorRole: CatalogActorRole,
): CatalogVersionState[] {
  const target = versions.find((v) => v.version === version);
  if (target === undefined) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', `There is no version ${version} of this catalog entry`, {
      details: { version, versions: versions.map((v) => v.version) },
    });
  }
  const to = nextStatus(target.status, action, actorRole);
  const published = publishedVersion(versions);
  let next = versions.map((v) => (v.version === version ? { version, status: to } : v));

  if (action === 'revise' && target.status === 'published') {
    const open = versions.find((v) => v.version > version && IN_PROGRESS.includes(v.status));
    if (open !== undefined) {
      throw new FerryError(
        'FERRY_CATALOG_TRANSITION',
        `Version ${open.version} of this catalog entry is already being revised (${open.status}); continue with it or withdraw it first`,
        {
          details: {
            from: target.status,
            action,
            role: actorRole,
            openVersion: open.version,
            messageZh: `该目录条目的第 ${open.version} 版正在修订中（${open.status}），请继续该版本或先撤销`,
          },
        },
      );
    }
    const newest = Math.max(...versions.map((v) => v.version));
    next = [...next, { version: newest + 1, status: 'draft' }];
  }

  if (action === 'publish' && published !== undefined) {
    if (published.version > version) {
      throw new FerryError(
        'FERRY_CATALOG_TRANSITION',
        `Cannot publish version ${version}: version ${published.version} is already published and newer`,
        {
          details: {
            from: target.status,
            action,
            role: actorRole,
            publishedVersion: published.version,
            messageZh: `不能发布第 ${version} 版：更新的第 ${published.version} 版已发布`,
          },
        },
      );
    }
    next = next.map((v) =>
      v.version === published.version ? { version: v.version, status: 'superseded' } : v,
    );
  }
  return next.sort((a, b) => a.version - b.version);
}

/**
 * The version readers get: the published one, if any. While a revision is in progress this is still
 * the previously published version.
 *
 * @example
 * ```ts
 * publishedVersion([{ version: 1, status: 'published' }, { version: 2, status: 'submitted' }]);
 * // { version: 1, status: 'published' }
 * ```
 */
export function publishedVersion(versions: readonly CatalogVersionState[]): CatalogVersionState | undefined {
  return versions
    .filter((v) => v.status === 'published')
    .reduce<CatalogVersionState | undefined>(
      (best, v) => (best === undefined || v.version > best.version ? v : best),
      undefined,
    );
}
