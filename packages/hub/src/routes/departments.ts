// Department registry: admins register departments and their certificates; any department reads another's
// certificates (to encrypt to it).
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../auth/authenticate.js';
import type { HubContext } from '../context.js';
import { checkDepartmentCertificates } from '../departments/check-certificates.js';
import { fail } from '../http/errors.js';
import { departmentCodeParam } from './schemas.js';

interface RegisterBody {
  code: string;
  name: string;
  certificates: string[];
}

/** `POST /v1/departments`, `GET /v1/departments/:code`. */
export function departmentRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.post<{ Body: RegisterBody }>(
    '/v1/departments',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'name', 'certificates'],
          properties: {
            code: departmentCodeParam,
            name: { type: 'string', minLength: 1, maxLength: 200 },
            certificates: {
              type: 'array',
              minItems: 1,
              maxItems: 16,
              items: { type: 'string', minLength: 1, maxLength: 65536 },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const admin = ctx.roles.require(request, 'admin');
      const { code, name, certificates } = request.body;
      const certs = checkDepartmentCertificates(ctx.trust, code, certificates);
      const { created } = await ctx.db.knex.transaction(async (trx) => {
        const result = await ctx.stores.departments.upsert(code, name, certs, trx);
        await ctx.stores.audit.write(
          {
            actor: admin,
            action: 'department.register',
            outcome: 'ok',
            details: { code, certificates: certs.map((c) => c.fingerprint) },
          },
          trx,
        );
        return result;
      });
      reply.code(created ? 201 : 200);
      return ctx.stores.departments.get(code);
    },
  );

  app.get<{ Params: { code: string } }>(
    '/v1/departments/:code',
    { schema: { params: { type: 'object', properties: { code: departmentCodeParam }, required: ['code'] } } },
    async (request) => {
      callerOf(request);
      const department = await ctx.stores.departments.get(request.params.code);
      if (!department) throw fail('FERRY_NOT_FOUND', `Department ${request.params.code} is not registered`);
      return department;
    },
  );
}
