// Every error leaves the hub as `{ code, message, location?, details? }` with a status that says whose fault it
// is. Bad input is always a 4xx: FerryErrors map by code, fastify's own errors (JSON syntax, schema, size,
// media type) by their status; anything else is a 500 with no internals in the body.
import { FerryError, type FerryErrorCode, FerryErrorCodes } from '@ferry/sdk';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** HTTP status of each FerryError code the hub may answer with; unlisted codes are 400. */
const STATUS: Partial<Record<FerryErrorCode, number>> = {
  FERRY_INTERNAL: 500,
  FERRY_AUTH_REQUIRED: 401,
  FERRY_AUTH_INVALID: 401,
  FERRY_FORBIDDEN: 403,
  FERRY_SHARE_DENIED: 403,
  FERRY_NOT_FOUND: 404,
  FERRY_CONFLICT: 409,
  FERRY_SEQUENCE_GAP: 409,
  FERRY_STREAM_EPOCH: 409,
  FERRY_CATALOG_TRANSITION: 409,
  FERRY_REQUEST_TOO_LARGE: 413,
  FERRY_ENVELOPE_TOO_LARGE: 413,
  FERRY_CATALOG_INVALID: 422,
  FERRY_RATE_LIMITED: 429,
};

/** The HTTP status for a FerryError code. */
export function statusFor(code: FerryErrorCode): number {
  return STATUS[code] ?? 400;
}

/** The JSON body of an error response. */
export interface ErrorBody {
  code: string;
  message: string;
  location?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

/** Duck-typed so that a FerryError from another copy of the SDK (another bundle) is still recognised. */
function asFerryError(err: unknown): FerryError | undefined {
  if (err instanceof FerryError) return err;
  if (err instanceof Error && err.name === 'FerryError' && typeof (err as FerryError).code === 'string') {
    const code = (err as FerryError).code;
    if (code in FerryErrorCodes) return err as FerryError;
  }
  return undefined;
}

function fromFastifyError(err: FastifyError): { status: number; body: ErrorBody } | undefined {
  const status = err.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (err.validation) {
    const issue = err.validation[0];
    const path = issue
      ? `${err.validationContext ?? ''}${issue.instancePath.replaceAll('/', '.')}`
      : (err.validationContext ?? '');
    const missing =
      issue?.keyword === 'required'
        ? (issue.params as { missingProperty?: string }).missingProperty
        : undefined;
    const field = missing ? `${path}.${missing}` : path;
    return {
      status: 400,
      body: {
        code: 'FERRY_INVALID_ARGUMENT',
        message: `Invalid request: ${err.message}`,
        location: { field },
      },
    };
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      body: { code: 'FERRY_REQUEST_TOO_LARGE', message: 'The request body exceeds the configured limit' },
    };
  }
  return { status, body: { code: 'FERRY_INVALID_ARGUMENT', message: err.message } };
}

/** Installs the error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const ferry = asFerryError(err);
    let status: number;
    let body: ErrorBody;
    if (ferry) {
      const explicit = (ferry as { statusCode?: number }).statusCode;
      status = explicit ?? statusFor(ferry.code);
      body = ferry.toJSON() as ErrorBody;
    } else {
      const mapped = fromFastifyError(err as FastifyError);
      if (mapped) ({ status, body } = mapped);
      else {
        status = 500;
        body = { code: 'FERRY_INTERNAL', message: 'The hub failed to process the request; it was logged' };
      }
    }
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: body.code, status }, body.message);
    reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      code: 'FERRY_NOT_FOUND',
      message: `No route ${request.method} ${request.url.split('?')[0]}`,
    } satisfies ErrorBody);
  });
}

/** A FerryError shortcut for route code. */
export function fail(
  code: FerryErrorCode,
  message: string,
  extra: { details?: Record<string, unknown>; field?: string } = {},
): FerryError {
  return new FerryError(code, message, {
    ...(extra.details ? { details: extra.details } : {}),
    ...(extra.field ? { location: { field: extra.field } } : {}),
  });
}
