// Request bodies: JSON is read as bytes first, because the request signature covers the exact bytes; envelopes
// are binary frames kept as they arrived. No other media type is accepted.
import type { FastifyInstance } from 'fastify';

/** Media type of an envelope frame in an HTTP body. */
export const ENVELOPE_MEDIA_TYPE = 'application/vnd.ferry.envelope';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes as received (JSON requests), for signature verification. */
    rawBody: Buffer | undefined;
  }
}

/** Replaces fastify's body parsers with the hub's two. */
export function installBodyParsers(
  app: FastifyInstance,
  limits: { jsonBody: number; envelope: number },
): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('rawBody', undefined);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: limits.jsonBody },
    (request, body, done) => {
      request.rawBody = body as Buffer;
      parseJson(request, (body as Buffer).toString('utf8'), done);
    },
  );
  app.addContentTypeParser(
    ENVELOPE_MEDIA_TYPE,
    { parseAs: 'buffer', bodyLimit: limits.envelope },
    (_request, body, done) => {
      done(null, body);
    },
  );
}
