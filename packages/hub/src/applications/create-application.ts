// A consumer applies for a conditionally shared resource (有条件共享的共享申请).
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import type { Application } from '../store/index.js';

/** What a consumer sends. */
export interface ApplicationRequest {
  resource: string;
  purpose: string;
  basis: string;
}

/**
 * Creates a pending application. Resending the same pending application answers with it (`created: false`);
 * a different one while one is pending or approved is `FERRY_CONFLICT`. Only conditionally shared resources
 * take applications: 不予共享 is `FERRY_SHARE_DENIED`, 无条件共享 needs none (`FERRY_CONFLICT`).
 */
export async function createApplication(
  ctx: HubContext,
  consumer: string,
  body: ApplicationRequest,
): Promise<{ application: Application; created: boolean }> {
  const { stores, db } = ctx;
  const resource = await stores.resources.get(body.resource);
  if (!resource || resource.publishedVersion === undefined)
    throw fail('FERRY_NOT_FOUND', `Resource ${body.resource} is not published in the catalog`, {
      field: 'resource',
    });
  if (resource.providerCode === consumer)
    throw fail('FERRY_CONFLICT', `Department ${consumer} provides ${body.resource} itself`, {
      field: 'resource',
    });
  if (resource.shareType === 'none')
    throw fail('FERRY_SHARE_DENIED', `Resource ${body.resource} is not shared (不予共享)`, {
      details: { shareType: 'none' },
    });
  if (resource.shareType === 'unconditional') {
    throw fail(
      'FERRY_CONFLICT',
      `Resource ${body.resource} is shared unconditionally (无条件共享): no application is needed`,
      { details: { shareType: 'unconditional' } },
    );
  }
  return db.knex.transaction(async (trx) => {
    const existing = (await stores.applications.forConsumer(consumer, body.resource, trx)).find(
      (a) => a.status !== 'rejected',
    );
    if (existing) {
      if (
        existing.status === 'pending' &&
        existing.purpose === body.purpose &&
        existing.basis === body.basis
      ) {
        return { application: existing, created: false };
      }
      throw fail(
        'FERRY_CONFLICT',
        `Department ${consumer} already has a${existing.status === 'approved' ? 'n approved' : ' pending'} application for ${body.resource}`,
        {
          details: { applicationId: existing.id, status: existing.status },
        },
      );
    }
    const application = await stores.applications.create({ consumer, ...body }, trx);
    await stores.audit.write(
      {
        actor: consumer,
        action: 'application.create',
        outcome: 'ok',
        resource: body.resource,
        details: { id: application.id },
      },
      trx,
    );
    return { application, created: true };
  });
}
