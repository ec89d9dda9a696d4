// Reading the catalog: everyone sees published versions; a provider also sees its own versions in progress,
// and reviewers and admins see every version.
import { type CatalogRecord, publishedVersion } from '@ferry/sdk';
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import { type CatalogVersionRow, toCatalogRecord } from '../store/index.js';

const PUBLIC_STATUSES = new Set(['published', 'superseded']);

function seesAll(ctx: HubContext, caller: string, versions: readonly CatalogVersionRow[]): boolean {
  return ctx.roles.isPrivileged(caller) || versions[0]?.providerCode === caller;
}

/** The version a reader gets for `code`: the published one, else (for those who see drafts) the newest. */
function current(
  ctx: HubContext,
  caller: string,
  versions: readonly CatalogVersionRow[],
): CatalogVersionRow | undefined {
  const published = publishedVersion(versions.map((v) => ({ version: v.version, status: v.status })));
  if (published) return versions.find((v) => v.version === published.version);
  return seesAll(ctx, caller, versions) ? versions[versions.length - 1] : undefined;
}

/** `GET /v1/catalog/entries/:code[/versions/:version]`. */
export async function readEntry(
  ctx: HubContext,
  caller: string,
  code: string,
  version?: number,
): Promise<CatalogRecord> {
  const versions = await ctx.stores.catalog.versions(code);
  const row =
    version === undefined
      ? current(ctx, caller, versions)
      : versions.find(
          (v) => v.version === version && (PUBLIC_STATUSES.has(v.status) || seesAll(ctx, caller, versions)),
        );
  if (!row)
    throw fail(
      'FERRY_NOT_FOUND',
      version === undefined ? `No catalog entry ${code}` : `No version ${version} of catalog entry ${code}`,
    );
  return toCatalogRecord(row);
}

/** `GET /v1/catalog/entries`: one record per resource the caller may see. */
export async function listEntries(ctx: HubContext, caller: string): Promise<CatalogRecord[]> {
  const all = await ctx.stores.catalog.all();
  const byCode = new Map<string, CatalogVersionRow[]>();
  for (const row of all) {
    const list = byCode.get(row.code) ?? [];
    list.push(row);
    byCode.set(row.code, list);
  }
  const out: CatalogRecord[] = [];
  for (const versions of byCode.values()) {
    const row = current(ctx, caller, versions);
    if (row) out.push(toCatalogRecord(row));
  }
  return out;
}
