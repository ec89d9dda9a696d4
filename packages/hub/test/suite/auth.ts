// Request signatures at the hub: no department can act as another, and a request cannot be replayed.
import { randomBytes } from 'node:crypto';
import { canonicalRequest, signBytes, signRequest } from '@ferry/sdk';
import { describe, expect, it } from 'vitest';
import { call } from '../support/http.js';
import { DEPT } from '../support/pki.js';
import { api, expectError, pki, type SuiteContext } from './context.js';

export function authTests(ctx: SuiteContext): void {
  const request = api(ctx);
  const path = '/v1/catalog/entries';

  describe('request authentication', () => {
    it('refuses unsigned requests with 401 FERRY_AUTH_REQUIRED', async () => {
      const res = await request(undefined, 'GET', path);
      expectError(res, 401, 'FERRY_AUTH_REQUIRED');
      expect(res.json.details.missing).toContain('x-ferry-signature');
    });

    it('refuses a signature by department A claiming to be department B', async () => {
      const { consumer } = pki();
      // A's key and certificate; B's code in the header and in the signed canonical request.
      const date = String(Date.now());
      const nonce = randomBytes(16).toString('hex');
      const signature = signBytes(
        consumer.privateKey,
        canonicalRequest({ method: 'GET', path, date, nonce, dept: DEPT.provider, body: new Uint8Array() }),
      );
      const headers = {
        'x-ferry-dept': DEPT.provider,
        'x-ferry-cert': consumer.certificate.fingerprint,
        'x-ferry-date': date,
        'x-ferry-nonce': nonce,
        'x-ferry-signature': Buffer.from(signature).toString('base64'),
      };
      const res = await call(ctx.hub().url, undefined, 'GET', path, undefined, headers);
      expectError(res, 401, 'FERRY_AUTH_INVALID');
      expect(res.json.details.reason).toBe('certificate-unknown');
    });

    it('refuses A’s signature presented with B’s certificate and code', async () => {
      const headers = signRequest(pki().consumer, { method: 'GET', path, body: new Uint8Array() });
      headers['x-ferry-dept'] = DEPT.provider;
      headers['x-ferry-cert'] = pki().provider.certificate.fingerprint;
      const res = await call(ctx.hub().url, undefined, 'GET', path, undefined, headers);
      expectError(res, 401, 'FERRY_AUTH_INVALID');
      expect(res.json.details.reason).toBe('signature');
    });

    it('refuses a replayed request, a changed body, an unregistered and an untrusted department', async () => {
      const headers = signRequest(pki().consumer, { method: 'GET', path, body: new Uint8Array() });
      expect((await call(ctx.hub().url, undefined, 'GET', path, undefined, headers)).status).toBe(200);
      const replay = await call(ctx.hub().url, undefined, 'GET', path, undefined, headers);
      expectError(replay, 401, 'FERRY_AUTH_INVALID');
      expect(replay.json.details.reason).toBe('nonce');

      const body = Buffer.from(JSON.stringify({ resource: '101001/000001', purpose: 'a', basis: 'b' }));
      const signed = signRequest(pki().consumer, { method: 'POST', path: '/v1/applications', body });
      const changed = Buffer.from(JSON.stringify({ resource: '101001/000002', purpose: 'a', basis: 'b' }));
      const tampered = await call(ctx.hub().url, undefined, 'POST', '/v1/applications', changed, {
        ...signed,
        'content-type': 'application/json',
      });
      expectError(tampered, 401, 'FERRY_AUTH_INVALID');

      expectError(await request(pki().stranger, 'GET', path), 401, 'FERRY_AUTH_INVALID');
      expectError(await request(pki().rogueProvider, 'GET', path), 401, 'FERRY_AUTH_INVALID');
    });
  });
}
