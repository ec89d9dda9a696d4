// Bad input of every kind is a 4xx with a typed body, never a 500.
import { describe, expect, it } from 'vitest';
import { CODE } from '../support/entries.js';
import { changesPath, postEnvelope } from '../support/http.js';
import { api, expectError, pki, type SuiteContext } from './context.js';
import { changesEnvelope, person } from './envelopes.js';

export function malformedInputTests(ctx: SuiteContext): void {
  const request = api(ctx);
  const post = (frame: Uint8Array, type?: string) => postEnvelope(ctx.hub().url, frame, type);

  describe('malformed input', () => {
    it('garbage, empty and truncated envelopes are 400', async () => {
      expectError(await post(Buffer.from('this is not an envelope at all')), 400, 'FERRY_ENVELOPE_MALFORMED');
      expect((await post(new Uint8Array(0))).status).toBe(400);
      const frame = await changesEnvelope(pki().provider, CODE.open, 1, 3, [person('1', 'x')]);
      expectError(await post(frame.subarray(0, frame.length - 10)), 400, 'FERRY_ENVELOPE_TRUNCATED');
      const flipped = Buffer.from(frame);
      flipped[flipped.length - 100]! ^= 0xff;
      const res = await post(flipped);
      expect(res.status).toBe(400);
      expect(res.json.code).toMatch(/^FERRY_ENVELOPE_/);
    });

    it('an envelope with another media type is refused with a typed 415', async () => {
      const frame = await changesEnvelope(pki().provider, CODE.open, 1, 3, [person('1', 'x')]);
      expectError(await post(frame, 'text/plain'), 415, 'FERRY_INVALID_ARGUMENT');
      expectError(await post(frame, 'application/json'), 400, 'FERRY_INVALID_ARGUMENT');
    });

    it('bad JSON, wrong shapes and unknown members are 400 FERRY_INVALID_ARGUMENT', async () => {
      const { consumer, reviewer } = pki();
      expectError(
        await request(consumer, 'POST', '/v1/applications', '{"resource": '),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(consumer, 'POST', '/v1/applications', '[1,2]'),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      const missing = await request(consumer, 'POST', '/v1/applications', {
        resource: CODE.conditional,
        purpose: 'x',
      });
      expectError(missing, 400, 'FERRY_INVALID_ARGUMENT');
      expect(missing.json.location.field).toBe('body.basis');
      const review = `/v1/catalog/entries/${encodeURIComponent(CODE.open)}/versions/1/review`;
      expectError(
        await request(reviewer, 'POST', review, { decision: 'maybe' }),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(reviewer, 'POST', review, { decision: 'approve', extra: 1 }),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(consumer, 'POST', '/v1/catalog/entries', '"just a string"'),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(
          consumer,
          'POST',
          '/v1/applications',
          '{"__proto__":{"x":1},"resource":"101001/000002"}',
        ),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
    });

    it('bad path and query parameters are 400', async () => {
      const { consumer } = pki();
      expectError(
        await request(consumer, 'GET', '/v1/catalog/entries/not-a-code'),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(consumer, 'GET', `/v1/catalog/entries/${encodeURIComponent(CODE.open)}/versions/0`),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(consumer, 'GET', `${changesPath(CODE.open)}?after=-1`),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(consumer, 'GET', changesPath(CODE.open, '0', 0)),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(consumer, 'GET', `/v1/resources/${encodeURIComponent(CODE.open)}/changes?limit=abc`),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(
        await request(consumer, 'GET', '/v1/applications?status=unknown'),
        400,
        'FERRY_INVALID_ARGUMENT',
      );
      expectError(await request(consumer, 'GET', '/v1/no/such/route'), 404, 'FERRY_NOT_FOUND');
    });

    it('oversized bodies are 413 FERRY_REQUEST_TOO_LARGE', async () => {
      const big = { resource: CODE.conditional, purpose: 'x'.repeat(100 * 1024), basis: 'y' };
      expectError(
        await request(pki().consumer, 'POST', '/v1/applications', big),
        413,
        'FERRY_REQUEST_TOO_LARGE',
      );
      expectError(await post(Buffer.alloc(5 * 1024 * 1024, 1)), 413, 'FERRY_REQUEST_TOO_LARGE');
    });

    it('missing or partial signature headers are 401 with a typed body', async () => {
      const res = await request(undefined, 'GET', '/v1/applications', undefined, { 'x-ferry-dept': 'WJ01' });
      expectError(res, 401, 'FERRY_AUTH_REQUIRED');
      expect(res.json.details.missing).toEqual([
        'x-ferry-cert',
        'x-ferry-date',
        'x-ferry-nonce',
        'x-ferry-signature',
      ]);
    });
  });
}
