// A reviewer decides on a pending application; deciding the same way again is answered, not refused.
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import type { Application } from '../store/index.js';

/** Approves or rejects application `id` as `reviewer`. */
export async function reviewApplication(
  ctx: HubContext,
  reviewer: string,
  id: string,
  decision: 'approve' | 'reject',
  comment: string | undefined,
): Promise<Application> {
  const { stores, db } = ctx;
  const status = decision === 'approve' ? 'approved' : 'rejected';
  return db.knex.transaction(async (trx) => {
    const application = await stores.applications.get(id, trx);
    if (!application) throw fail('FERRY_NOT_FOUND', `No application ${id}`);
    if (application.status === status) return application;
    if (application.status !== 'pending')
      throw fail('FERRY_CONFLICT', `Application ${id} was already ${application.status}`, {
        details: { status: application.status },
      });
    await stores.applications.decide(id, { status, reviewer, comment }, trx);
    await stores.audit.write(
      {
        actor: reviewer,
        action: 'application.review',
        outcome: 'ok',
        resource: application.resource,
        details: { id, decision },
      },
      trx,
    );
    return (await stores.applications.get(id, trx))!;
  });
}
