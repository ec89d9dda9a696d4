// Who may read a resource's data, by its share type (共享类型): 无条件共享 any registered department,
// 有条件共享 a department with an approved application, 不予共享 nobody.
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import type { ResourceRow } from '../store/index.js';

/** Throws `FERRY_SHARE_DENIED` unless `consumer` may read `resource`. */
export async function checkShare(ctx: HubContext, consumer: string, resource: ResourceRow): Promise<void> {
  switch (resource.shareType) {
    case 'unconditional':
      return;
    case 'conditional':
      if (await ctx.stores.applications.isApproved(consumer, resource.code)) return;
      throw fail(
        'FERRY_SHARE_DENIED',
        `Resource ${resource.code} is shared on conditions (有条件共享): apply with POST /v1/applications and wait for approval`,
        {
          details: { shareType: 'conditional' },
        },
      );
    case 'none':
      throw fail('FERRY_SHARE_DENIED', `Resource ${resource.code} is not shared (不予共享)`, {
        details: { shareType: 'none' },
      });
  }
}
