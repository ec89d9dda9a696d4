// The audit log, for admins and reviewers (审计查询).
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { departmentCodeParam, resourceCodeParam } from './schemas.js';

/** `GET /v1/audit`. */
export function auditRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.get<{ Querystring: { actor?: string; resource?: string; limit: number; before?: number } }>(
    '/v1/audit',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            actor: departmentCodeParam,
            resource: resourceCodeParam,
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            before: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (request) => {
      ctx.roles.require(request, 'admin', 'reviewer');
      const { actor, resource, limit, before } = request.query;
      return {
        items: await ctx.stores.audit.list({
          limit,
          ...(actor ? { actor } : {}),
          ...(resource ? { resource } : {}),
          ...(before === undefined ? {} : { before }),
        }),
      };
    },
  );
}
