import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { applicationRoutes } from './applications.js';
import { auditRoutes } from './audit.js';
import { catalogRoutes } from './catalog.js';
import { departmentRoutes } from './departments.js';
import { envelopeRoutes } from './envelopes.js';
import { healthRoutes } from './health.js';
import { resourceRoutes } from './resources.js';

/** Registers every route of the hub API (docs/hub-openapi.yaml lists the same set). */
export function registerRoutes(app: FastifyInstance, ctx: HubContext): void {
  healthRoutes(app, ctx);
  departmentRoutes(app, ctx);
  catalogRoutes(app, ctx);
  envelopeRoutes(app, ctx);
  resourceRoutes(app, ctx);
  applicationRoutes(app, ctx);
  auditRoutes(app, ctx);
}
