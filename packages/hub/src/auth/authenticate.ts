// Who is calling: every route not marked public verifies the request signature (docs/protocol/request-signing.md)
// against the certificates registered with the hub, before the body is validated or any handler runs.
import {
  type AuthenticatedCaller,
  type NonceStore,
  type TrustStore,
  verifyRequestSignature,
} from '@ferry/sdk';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DepartmentStore } from '../store/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no request signature (bootstrap information, envelopes that authenticate themselves). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated department; set on every non-public route. */
    caller: AuthenticatedCaller | undefined;
  }
}

const EMPTY = Buffer.alloc(0);

/** What the authentication hook needs. */
export interface AuthenticationOptions {
  departments: DepartmentStore;
  trust: TrustStore;
  nonces: NonceStore;
  maxSkewMs: number;
}

/** Adds the `preValidation` hook that authenticates every non-public route. */
export function installAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  app.decorateRequest('caller', undefined);
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (request.routeOptions.config.public) return;
    request.caller = await verifyRequestSignature(
      { method: request.method, path: request.url, headers: request.headers, body: request.rawBody ?? EMPTY },
      {
        trust: options.trust,
        nonces: options.nonces,
        maxSkewMs: options.maxSkewMs,
        resolveCertificate: (dept, fingerprint) => options.departments.certificate(dept, fingerprint),
      },
    );
  });
}

/** The authenticated caller of a non-public route. */
export function callerOf(request: FastifyRequest): AuthenticatedCaller {
  if (!request.caller) throw new Error('route is not authenticated');
  return request.caller;
}
