// Envelope ingest over HTTP: the raw frame in, the signed receipt out. Public: the envelope's own signature
// authenticates its sender, so a relay may deliver on a department's behalf.
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { ENVELOPE_MEDIA_TYPE } from '../http/body-parsers.js';
import { fail } from '../http/errors.js';
import { EnvelopeIngest } from '../ingest/ingest-envelope.js';

/** `POST /v1/envelopes`. */
export function envelopeRoutes(app: FastifyInstance, ctx: HubContext): void {
  const ingest = new EnvelopeIngest(ctx);
  app.addHook('onReady', () => ingest.start());
  app.addHook('onClose', () => ingest.close());
  app.post('/v1/envelopes', { config: { public: true } }, async (request, reply) => {
    if (
      !Buffer.isBuffer(request.body) ||
      request.headers['content-type']?.split(';')[0]?.trim() !== ENVELOPE_MEDIA_TYPE
    ) {
      throw fail(
        'FERRY_INVALID_ARGUMENT',
        `Send the envelope frame as the body with Content-Type ${ENVELOPE_MEDIA_TYPE}`,
      );
    }
    const { receipt, outcome } = await ingest.ingest(request.body);
    reply.header('x-ferry-duplicate', outcome === 'duplicate' ? 'true' : 'false');
    return receipt;
  });
}
