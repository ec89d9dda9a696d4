// Department registration: only admins register; certificates must chain to the platform CA and carry the code.
import { describe, expect, it } from 'vitest';
import { DEPT } from '../support/pki.js';
import { api, expectError, pki, type SuiteContext } from './context.js';

/** Registers the test departments through the API (later parts of the suite rely on them). */
export function departmentTests(ctx: SuiteContext): void {
  const request = api(ctx);
  describe('departments', () => {
    it('an admin registers departments, once (201) and again (200)', async () => {
      const { provider, consumer, other, admin } = pki();
      for (const [code, name, identity] of [
        [DEPT.provider, '某市公安局', provider],
        [DEPT.consumer, '某市卫生健康委员会', consumer],
        [DEPT.other, '某市民政局', other],
      ] as const) {
        const res = await request(admin, 'POST', '/v1/departments', {
          code,
          name,
          certificates: [identity.certificate.toPem()],
        });
        expect(res.status).toBe(201);
        expect(res.json.certificates[0]).toMatchObject({
          fingerprint: identity.certificate.fingerprint,
          canSign: true,
          canEncrypt: true,
        });
      }
      const again = await request(admin, 'POST', '/v1/departments', {
        code: DEPT.provider,
        name: '某市公安局',
        certificates: [provider.certificate.toPem()],
      });
      expect(again.status).toBe(200);
      expect(again.json.certificates).toHaveLength(1);
    });

    it('refuses registration by a department that is not an admin', async () => {
      const res = await request(pki().provider, 'POST', '/v1/departments', {
        code: 'ZZ01',
        name: 'x',
        certificates: [pki().issue('ZZ01').certificate.toPem()],
      });
      expectError(res, 403, 'FERRY_FORBIDDEN');
    });

    it('refuses certificates of another department or an untrusted CA', async () => {
      const wrongCode = await request(pki().admin, 'POST', '/v1/departments', {
        code: 'ZZ02',
        name: 'x',
        certificates: [pki().consumer.certificate.toPem()],
      });
      expectError(wrongCode, 400, 'FERRY_CERT_SUBJECT');
      expect(wrongCode.json.location).toEqual({ field: 'certificates[0]' });
      const rogue = await request(pki().admin, 'POST', '/v1/departments', {
        code: DEPT.provider,
        name: '某市公安局',
        certificates: [pki().rogueProvider.certificate.toPem()],
      });
      expectError(rogue, 400, 'FERRY_CERT_UNTRUSTED');
      const garbage = await request(pki().admin, 'POST', '/v1/departments', {
        code: 'ZZ03',
        name: 'x',
        certificates: ['not a PEM'],
      });
      expect(garbage.status).toBe(400);
    });

    it('any department reads another department’s certificates; unknown codes are 404', async () => {
      const res = await request(pki().consumer, 'GET', `/v1/departments/${DEPT.provider}`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ code: DEPT.provider, name: '某市公安局' });
      expect(res.json.certificates[0].pem).toBe(pki().provider.certificate.toPem());
      expectError(await request(pki().consumer, 'GET', '/v1/departments/NOPE01'), 404, 'FERRY_NOT_FOUND');
    });

    it('GET /v1/hub bootstraps a client without a signature', async () => {
      const res = await request(undefined, 'GET', '/v1/hub');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ departmentCode: DEPT.hub, suite: 'INTL' });
      expect(res.json.encryptionCertificate).toBe(pki().hub.certificate.toPem());
      expect(res.json.ca).toBe(pki().caPem);
      expect((await request(undefined, 'GET', '/healthz')).json).toMatchObject({
        status: 'ok',
        database: ctx.database.kind,
      });
    });
  });
}
