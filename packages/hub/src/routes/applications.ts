// Data-sharing applications: consumers apply, reviewers decide, everyone lists what concerns them.
import type { FastifyInstance } from 'fastify';
import { createApplication } from '../applications/create-application.js';
import { reviewApplication } from '../applications/review-application.js';
import { callerOf } from '../auth/authenticate.js';
import type { HubContext } from '../context.js';
import type { ApplicationStatus } from '../store/index.js';
import { resourceCodeParam, reviewDecisionBody } from './schemas.js';

const text = { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' } as const;

/** `POST /v1/applications`, `POST /v1/applications/:id/review`, `GET /v1/applications`. */
export function applicationRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.post<{ Body: { resource: string; purpose: string; basis: string } }>(
    '/v1/applications',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['resource', 'purpose', 'basis'],
          properties: { resource: resourceCodeParam, purpose: text, basis: text },
        },
      },
    },
    async (request, reply) => {
      const { application, created } = await createApplication(
        ctx,
        callerOf(request).departmentCode,
        request.body,
      );
      reply.code(created ? 201 : 200);
      return application;
    },
  );

  app.post<{ Params: { id: string }; Body: { decision: 'approve' | 'reject'; comment?: string } }>(
    '/v1/applications/:id/review',
    {
      schema: {
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[0-9a-f-]{36}$' } },
        },
        body: reviewDecisionBody,
      },
    },
    async (request) => {
      const reviewer = ctx.roles.require(request, 'reviewer');
      return reviewApplication(ctx, reviewer, request.params.id, request.body.decision, request.body.comment);
    },
  );

  app.get<{ Querystring: { status?: ApplicationStatus } }>(
    '/v1/applications',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { enum: ['pending', 'approved', 'rejected'] } },
        },
      },
    },
    async (request) => {
      const dept = callerOf(request).departmentCode;
      const status = request.query.status;
      if (ctx.roles.isPrivileged(dept))
        return { items: await ctx.stores.applications.list(status ? { status } : {}) };
      // Others see their own applications and those for resources they provide.
      const provided = (await ctx.stores.catalog.all())
        .filter((v) => v.providerCode === dept)
        .map((v) => v.code);
      return {
        items: await ctx.stores.applications.list({
          ...(status ? { status } : {}),
          visibleTo: { department: dept, resources: [...new Set(provided)] },
        }),
      };
    },
  );
}
