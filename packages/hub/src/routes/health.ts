// Unauthenticated routes: liveness, and what a department needs to start talking to the hub.
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';

/** `GET /healthz` and `GET /v1/hub`. */
export function healthRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.get('/healthz', { config: { public: true, rateLimit: false } }, async () => {
    await ctx.db.knex.raw('select 1');
    return { status: 'ok', database: ctx.db.kind };
  });

  const enc = ctx.identity.encryption?.certificate ?? ctx.identity.certificate;
  const info = {
    departmentCode: ctx.departmentCode,
    suite: ctx.identity.privateKey.algorithm === 'sm2' ? 'GM' : 'INTL',
    encryptionCertificate: enc.toPem(),
    signingCertificate: ctx.identity.certificate.toPem(),
    ca: [...ctx.trust.roots, ...ctx.trust.intermediates].map((c) => c.toPem()).join(''),
  };
  app.get('/v1/hub', { config: { public: true } }, async () => info);
}
