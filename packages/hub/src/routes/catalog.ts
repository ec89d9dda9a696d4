// The catalog registry API (目录管理), in the paths the SDK's CatalogClient uses.
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth/authenticate.js';
import { moveVersion } from '../catalog/move-version.js';
import { listEntries, readEntry } from '../catalog/read-entries.js';
import { submitEntry } from '../catalog/submit-entry.js';
import type { HubContext } from '../context.js';
import { resourceCodeParam, reviewDecisionBody, versionParam } from './schemas.js';

const codeParams = { type: 'object', required: ['code'], properties: { code: resourceCodeParam } } as const;
const versionParams = {
  type: 'object',
  required: ['code', 'version'],
  properties: { code: resourceCodeParam, version: versionParam },
} as const;

type VersionParams = { Params: { code: string; version: number } };

/** Catalog routes under `/v1/catalog/entries`. */
export function catalogRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.post('/v1/catalog/entries', { schema: { body: { type: 'object' } } }, async (request, reply) => {
    const { record, created } = await submitEntry(ctx, callerOf(request).departmentCode, request.body);
    reply.code(created ? 201 : 200);
    return record;
  });

  app.get('/v1/catalog/entries', async (request) => ({
    items: await listEntries(ctx, callerOf(request).departmentCode),
  }));

  app.get<{ Params: { code: string } }>(
    '/v1/catalog/entries/:code',
    { schema: { params: codeParams } },
    async (request) => readEntry(ctx, callerOf(request).departmentCode, request.params.code),
  );

  app.get<VersionParams>(
    '/v1/catalog/entries/:code/versions/:version',
    { schema: { params: versionParams } },
    async (request) =>
      readEntry(ctx, callerOf(request).departmentCode, request.params.code, request.params.version),
  );

  app.post<VersionParams & { Body: { decision: 'approve' | 'reject'; comment?: string } }>(
    '/v1/catalog/entries/:code/versions/:version/review',
    {
      schema: {
        params: versionParams,
        body: reviewDecisionBody,
      },
    },
    async (request) => {
      const { decision, comment } = request.body;
      return moveVersion(ctx, request, request.params.code, request.params.version, {
        action: decision,
        ...(comment === undefined ? {} : { comment }),
      });
    },
  );

  app.post<VersionParams>(
    '/v1/catalog/entries/:code/versions/:version/publish',
    { schema: { params: versionParams } },
    async (request) =>
      moveVersion(ctx, request, request.params.code, request.params.version, { action: 'publish' }),
  );

  app.post<VersionParams>(
    '/v1/catalog/entries/:code/versions/:version/withdraw',
    { schema: { params: versionParams } },
    async (request) =>
      moveVersion(ctx, request, request.params.code, request.params.version, { action: 'withdraw' }),
  );
}
