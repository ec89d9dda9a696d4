// Moving a version through its lifecycle: review (approve/reject) and publish by a reviewer (审核方),
// withdraw by the provider. Publishing creates the resource's table on first publication.
import { applyCatalogAction, type CatalogAction, type CatalogRecord } from '@ferry/sdk';
import type { FastifyRequest } from 'fastify';
import { callerOf } from '../auth/authenticate.js';
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import { toCatalogRecord } from '../store/index.js';
import { keyItemsOf } from './key-items.js';

/** A lifecycle move the API offers. */
export type VersionMove =
  | { action: 'approve' | 'reject'; comment?: string }
  | { action: 'publish' }
  | { action: 'withdraw' };

const REACHED: Record<VersionMove['action'], string> = {
  approve: 'approved',
  reject: 'rejected',
  publish: 'published',
  withdraw: 'withdrawn',
};

/**
 * Applies `move` to version `version` of `code` on behalf of the caller of `request`. A move already made
 * (the version is in the status the move leads to) answers with the version unchanged, so retries succeed.
 */
export async function moveVersion(
  ctx: HubContext,
  request: FastifyRequest,
  code: string,
  version: number,
  move: VersionMove,
): Promise<CatalogRecord> {
  const caller = callerOf(request).departmentCode;
  const role = move.action === 'withdraw' ? 'provider' : 'reviewer';
  if (role === 'reviewer') ctx.roles.require(request, 'reviewer');
  const { db, stores } = ctx;
  return db.knex.transaction(async (trx) => {
    const versions = await stores.catalog.versions(code, trx);
    const target = versions.find((v) => v.version === version);
    if (!target) throw fail('FERRY_NOT_FOUND', `There is no version ${version} of catalog entry ${code}`);
    if (role === 'provider' && target.providerCode !== caller) {
      throw fail('FERRY_FORBIDDEN', `Only the provider ${target.providerCode} may withdraw ${code}`);
    }
    if (target.status === REACHED[move.action]) return toCatalogRecord(target);

    const states = versions.map((v) => ({ version: v.version, status: v.status }));
    const next = applyCatalogAction(states, version, move.action as CatalogAction, role);
    const changed = next.filter((n) => states.find((s) => s.version === n.version)?.status !== n.status);
    const comment =
      move.action === 'approve' || move.action === 'reject'
        ? { version, text: move.comment ?? null }
        : undefined;
    await stores.catalog.setStatuses(code, changed, trx, comment);

    if (move.action === 'publish') {
      const entry = target.entry;
      const resource = await stores.resources.get(code, trx);
      if (resource) await stores.resources.setPublished(trx, code, version, entry.share.type);
      else {
        await stores.resources.create(trx, {
          code,
          providerCode: entry.providerCode,
          version,
          shareType: entry.share.type,
          keyItems: keyItemsOf(entry),
        });
      }
    } else if (move.action === 'withdraw' && target.status === 'published') {
      await stores.resources.setPublished(trx, code, undefined);
    }
    await stores.audit.write(
      {
        actor: caller,
        action:
          move.action === 'approve' || move.action === 'reject'
            ? 'catalog.review'
            : move.action === 'publish'
              ? 'catalog.publish'
              : 'catalog.withdraw',
        outcome: 'ok',
        resource: code,
        details: { version, action: move.action },
      },
      trx,
    );
    const updated = (await stores.catalog.versions(code, trx)).find((v) => v.version === version)!;
    return toCatalogRecord(updated);
  });
}
