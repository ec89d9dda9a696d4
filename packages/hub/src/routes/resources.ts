// Pulling shared data: changes of a resource after the consumer's cursor, sealed to the consumer.
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth/authenticate.js';
import type { HubContext } from '../context.js';
import { ENVELOPE_MEDIA_TYPE } from '../http/body-parsers.js';
import { pullChanges } from '../pull/pull-changes.js';
import { cursorParam, resourceCodeParam } from './schemas.js';

/** `GET /v1/resources/:code/changes`. */
export function resourceRoutes(app: FastifyInstance, ctx: HubContext): void {
  const maxLimit = ctx.config.limits.pullChanges;
  app.get<{ Params: { code: string }; Querystring: { after: string; limit: number } }>(
    '/v1/resources/:code/changes',
    {
      schema: {
        params: { type: 'object', required: ['code'], properties: { code: resourceCodeParam } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { ...cursorParam, default: '0' },
            limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: Math.min(1000, maxLimit) },
          },
        },
      },
    },
    async (request, reply) => {
      const { after, limit } = request.query;
      const result = await pullChanges(
        ctx,
        callerOf(request).departmentCode,
        request.params.code,
        after,
        limit,
      );
      reply.header('x-ferry-next-cursor', result.nextCursor);
      reply.header('x-ferry-has-more', String(result.hasMore));
      reply.header('x-ferry-changes', String(result.changes));
      if (!result.envelope) return reply.code(204).send();
      return reply
        .type(ENVELOPE_MEDIA_TYPE)
        .send(Buffer.from(result.envelope.buffer, result.envelope.byteOffset, result.envelope.byteLength));
    },
  );
}
