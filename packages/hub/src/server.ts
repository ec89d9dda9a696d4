// Assembles one hub: configuration → identity and trust → database (migrated) → fastify with body parsers,
// rate limit, request authentication, error mapping and the routes.
import rateLimit from '@fastify/rate-limit';
import { FerryError, MemoryNonceStore } from '@ferry/sdk';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { installAuthentication } from './auth/authenticate.js';
import { Roles } from './auth/roles.js';
import { type ConfigSource, parseHubConfig } from './config/load.js';
import { loadHubMaterials, readCertificates } from './config/materials.js';
import type { HubConfig, HubConfigInput } from './config/schema.js';
import { createStores, type HubContext } from './context.js';
import { checkDepartmentCertificates } from './departments/check-certificates.js';
import { installBodyParsers } from './http/body-parsers.js';
import { installErrorHandlers } from './http/errors.js';
import { registerRoutes } from './routes/index.js';
import { DatabaseNonceStore, openDatabase } from './store/index.js';

/** A running (or ready to run) hub. */
export interface Hub {
  /** The fastify instance, ready (for `inject` in tests, or to add routes before `listen`). */
  readonly app: FastifyInstance;
  /** The hub's department code. */
  readonly departmentCode: string;
  /** Every route of the API, as registered (method and path with `:params`). */
  readonly routes: readonly { method: string; url: string }[];
  /** The base URL once listening, e.g. `http://127.0.0.1:8480`; undefined before. */
  readonly url: string | undefined;
  /** Starts listening on `server.host`:`server.port`; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops accepting requests, waits for those in flight, closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link createHub}. */
export interface CreateHubOptions {
  /** Folder that relative paths in the configuration refer to. Default: the working directory. */
  baseDir?: string;
  /** FERRY_HUB_* overrides to apply. Default: none (`startHubFromConfigFile` passes `process.env`). */
  env?: NodeJS.ProcessEnv;
}

const DEPT_HEADER_VALUE = /^[\x21-\x7e]{1,64}$/;

/**
 * Creates a hub from a configuration object: loads its identity and the platform CA, opens and migrates the
 * database, registers the configured departments and builds the HTTP API. Call `listen()` to serve.
 *
 * @example
 * ```ts
 * const hub = await createHub({
 *   identity: { certificate: 'hub.crt', privateKey: 'hub.key' },
 *   trust: { ca: 'platform-ca.crt' },
 *   reviewers: ['11370000MB0000009X'],
 * }, { baseDir: '/etc/ferry' });
 * console.log(await hub.listen());
 * ```
 */
export async function createHub(
  input: HubConfigInput | HubConfig,
  options: CreateHubOptions = {},
): Promise<Hub> {
  const source: ConfigSource = {
    ...(options.baseDir ? { baseDir: options.baseDir } : {}),
    ...(options.env ? { env: options.env } : {}),
  };
  const { config, baseDir } = parseHubConfig(input, source);
  const materials = await loadHubMaterials(config, baseDir);
  const preload = await Promise.all(
    config.departments.map(async (d, i) => ({
      ...d,
      certs: checkDepartmentCertificates(
        materials.trust,
        d.code,
        (await readCertificates(d.certificates, baseDir, `departments[${i}].certificates`)).map((c) =>
          c.toPem(),
        ),
        `departments[${i}].certificates`,
      ),
    })),
  );
  const db = await openDatabase(config.database, baseDir);
  try {
    const stores = createStores(db);
    for (const d of preload) await stores.departments.upsert(d.code, d.name, d.certs);
    const ctx: HubContext = { config, db, stores, ...materials, roles: new Roles(config) };
    const routes: { method: string; url: string }[] = [];
    const app = await buildApp(ctx, routes);
    return hubHandle(app, ctx, routes);
  } catch (err) {
    await db.close();
    throw err;
  }
}

async function buildApp(
  ctx: HubContext,
  routes: { method: string; url: string }[],
): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    logger: { level: config.log.level },
    bodyLimit: config.limits.jsonBody,
    exposeHeadRoutes: false,
    trustProxy: config.server.trustProxy,
    // Unknown members are refused rather than silently dropped; query strings are coerced to their types.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  installErrorHandlers(app);
  installBodyParsers(app, config.limits);
  if (config.rateLimit.enabled) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowMs,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        Object.assign(
          new FerryError(
            'FERRY_RATE_LIMITED',
            `Too many requests: at most ${context.max} per ${config.rateLimit.windowMs / 1000} s; retry in ${context.after}`,
            {
              details: { retryAfterMs: context.ttl },
            },
          ),
          { statusCode: 429 },
        ),
    });
  }
  installAuthentication(app, {
    departments: ctx.stores.departments,
    trust: ctx.trust,
    nonces: config.auth.nonces === 'memory' ? new MemoryNonceStore() : new DatabaseNonceStore(ctx.db.knex),
    maxSkewMs: config.auth.maxSkewMs,
  });
  registerRoutes(app, ctx);
  await app.ready();
  return app;
}

/**
 * Requests are counted per department (`x-ferry-dept`) so that departments behind one gateway do not share
 * a budget, and per client IP without it. The header is read before the signature is checked (so that floods
 * are cut before any cryptography); a client that puts another department's code in it only spends that
 * department's budget until its own requests fail authentication.
 */
function rateLimitKey(request: FastifyRequest): string {
  const dept = request.headers['x-ferry-dept'];
  return typeof dept === 'string' && DEPT_HEADER_VALUE.test(dept) ? `dept:${dept}` : `ip:${request.ip}`;
}

function hubHandle(
  app: FastifyInstance,
  ctx: HubContext,
  routes: readonly { method: string; url: string }[],
): Hub {
  let url: string | undefined;
  let closing: Promise<void> | undefined;
  return {
    app,
    departmentCode: ctx.departmentCode,
    routes,
    get url() {
      return url;
    },
    async listen() {
      url = await app.listen({ host: ctx.config.server.host, port: ctx.config.server.port });
      return url;
    },
    close() {
      closing ??= (async () => {
        try {
          await app.close();
        } finally {
          await ctx.db.close();
        }
      })();
      return closing;
    },
  };
}
