// Signed hub requests: what verifies, and every way a request is refused.
import { describe, expect, it } from 'vitest';
import {
  canonicalRequest,
  MemoryNonceStore,
  type ReceivedRequest,
  requestSigner,
  signRequest,
  verifyRequestSignature,
} from '../../src/auth/index.js';
import type { RequestSigner } from '../../src/catalog/index.js';
import { type FerryErrorCode, isFerryError } from '../../src/errors/index.js';
import type { Certificate, Identity } from '../../src/pki/index.js';
import { DEPT, pkiFixture } from '../helpers/pki-fixtures.js';

const body = Buffer.from('{"resource":"101001/000001","purpose":"身份核验"}', 'utf8');
const path = '/v1/applications?x=1&y=%2F';

async function expectRejected(
  promise: Promise<unknown>,
  code: FerryErrorCode,
  reason?: string,
): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFerryError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
  if (reason !== undefined && isFerryError(err)) expect(err.details?.reason).toBe(reason);
}

describe.each(['ec-p256', 'rsa', 'sm2'] as const)('request signing with %s keys', (algorithm) => {
  const pki = pkiFixture(algorithm);
  const registry = new Map<string, Certificate>();
  for (const id of [pki.alice, pki.bob])
    registry.set(`${id.certificate.departmentCode}/${id.certificate.fingerprint}`, id.certificate);
  const options = () => ({
    trust: pki.trust,
    nonces: new MemoryNonceStore(),
    resolveCertificate: (dept: string, fp: string) => registry.get(`${dept}/${fp}`),
  });
  const received = (identity: Identity, overrides: Partial<ReceivedRequest> = {}): ReceivedRequest => ({
    method: 'POST',
    path,
    headers: { ...signRequest(identity, { method: 'post', path, body }), 'content-type': 'application/json' },
    body,
    ...overrides,
  });

  it('verifies a signed request and names the caller', async () => {
    const caller = await verifyRequestSignature(received(pki.alice), options());
    expect(caller.departmentCode).toBe(DEPT.alice);
    expect(caller.certificate.fingerprint).toBe(pki.alice.certificate.fingerprint);
  });

  it('matches header names case-insensitively', async () => {
    const req = received(pki.alice);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toUpperCase(), v]));
    await expect(verifyRequestSignature({ ...req, headers }, options())).resolves.toMatchObject({
      departmentCode: DEPT.alice,
    });
  });

  it('refuses a request without signature headers as FERRY_AUTH_REQUIRED', async () => {
    await expectRejected(
      verifyRequestSignature(
        { method: 'GET', path: '/v1/x', headers: {}, body: new Uint8Array() },
        options(),
      ),
      'FERRY_AUTH_REQUIRED',
    );
    const req = received(pki.alice);
    delete req.headers['x-ferry-nonce'];
    await expectRejected(verifyRequestSignature(req, options()), 'FERRY_AUTH_REQUIRED');
  });

  it('refuses a changed body, path or method', async () => {
    await expectRejected(
      verifyRequestSignature(received(pki.alice, { body: Buffer.from('{}') }), options()),
      'FERRY_AUTH_INVALID',
      'signature',
    );
    await expectRejected(
      verifyRequestSignature(received(pki.alice, { path: '/v1/applications?x=2&y=%2F' }), options()),
      'FERRY_AUTH_INVALID',
      'signature',
    );
    await expectRejected(
      verifyRequestSignature(received(pki.alice, { method: 'PUT' }), options()),
      'FERRY_AUTH_INVALID',
      'signature',
    );
  });

  it('refuses a department claiming another department code', async () => {
    // Alice's certificate and signature, Bob's code in the header: Bob has no such certificate registered.
    const req = received(pki.alice);
    req.headers['x-ferry-dept'] = DEPT.bob;
    await expectRejected(verifyRequestSignature(req, options()), 'FERRY_AUTH_INVALID', 'certificate-unknown');
    // Even a resolver that hands out Alice's certificate for Bob does not let the claim through.
    await expectRejected(
      verifyRequestSignature(req, { ...options(), resolveCertificate: () => pki.alice.certificate }),
      'FERRY_AUTH_INVALID',
      'certificate',
    );
  });

  it('refuses a signature by one department over another department’s certificate', async () => {
    const req = received(pki.alice);
    req.headers['x-ferry-cert'] = pki.bob.certificate.fingerprint;
    req.headers['x-ferry-dept'] = DEPT.bob;
    await expectRejected(verifyRequestSignature(req, options()), 'FERRY_AUTH_INVALID', 'signature');
  });

  it('refuses a replayed nonce', async () => {
    const opts = options();
    const req = received(pki.alice);
    await verifyRequestSignature(req, opts);
    await expectRejected(verifyRequestSignature(req, opts), 'FERRY_AUTH_INVALID', 'nonce');
  });

  it('refuses a date outside the allowed skew', async () => {
    const now = new Date();
    const headers = signRequest(pki.alice, {
      method: 'GET',
      path: '/v1/hub',
      body: new Uint8Array(),
      now: new Date(now.getTime() - 301_000),
    });
    await expectRejected(
      verifyRequestSignature(
        { method: 'GET', path: '/v1/hub', headers, body: new Uint8Array() },
        { ...options(), now },
      ),
      'FERRY_AUTH_INVALID',
      'date',
    );
    await expect(
      verifyRequestSignature(
        { method: 'GET', path: '/v1/hub', headers, body: new Uint8Array() },
        { ...options(), now, maxSkewMs: 400_000 },
      ),
    ).resolves.toMatchObject({ departmentCode: DEPT.alice });
  });

  it('refuses a certificate from an untrusted CA', async () => {
    const rogue = pki.rogueAlice;
    await expectRejected(
      verifyRequestSignature(received(rogue), { ...options(), resolveCertificate: () => rogue.certificate }),
      'FERRY_AUTH_INVALID',
      'certificate',
    );
  });

  it('refuses a certificate that may not sign', async () => {
    const enc = pki.dave.encryption!;
    await expectRejected(
      verifyRequestSignature(received({ certificate: enc.certificate, privateKey: enc.privateKey }), {
        ...options(),
        resolveCertificate: () => enc.certificate,
      }),
      'FERRY_AUTH_INVALID',
      'certificate',
    );
  });

  it('refuses malformed header values', async () => {
    for (const [name, value] of [
      ['x-ferry-date', 'yesterday'],
      ['x-ferry-nonce', 'abc'],
      ['x-ferry-cert', 'zz'],
      ['x-ferry-dept', 'a b'],
      ['x-ferry-signature', '!!!'],
    ] as const) {
      const req = received(pki.alice);
      req.headers[name] = value;
      await expectRejected(verifyRequestSignature(req, options()), 'FERRY_AUTH_INVALID', 'header');
    }
    const req = received(pki.alice);
    req.headers['x-ferry-dept'] = [DEPT.alice, DEPT.alice];
    await expectRejected(verifyRequestSignature(req, options()), 'FERRY_AUTH_INVALID', 'header');
  });
});

describe('request signing helpers', () => {
  const { alice } = pkiFixture('ec-p256');

  it('builds the canonical string of the specification', () => {
    const text = Buffer.from(
      canonicalRequest({
        method: 'get',
        path: '/v1/hub?a=1',
        date: '1700000000000',
        nonce: '00'.repeat(16),
        dept: 'GA01',
        body: new Uint8Array(),
      }),
    ).toString('utf8');
    expect(text).toBe(
      'FERRY-REQUEST-V1\nGET\n/v1/hub?a=1\n1700000000000\n00000000000000000000000000000000\nGA01\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('requestSigner fits the CatalogClient signRequest option and signs each attempt afresh', () => {
    const signer: RequestSigner = requestSigner(alice);
    const a = signer({ method: 'POST', path: '/v1/catalog/entries', body }) as Record<string, string>;
    const b = signer({ method: 'POST', path: '/v1/catalog/entries', body }) as Record<string, string>;
    expect(a['x-ferry-dept']).toBe(DEPT.alice);
    expect(a['x-ferry-nonce']).not.toBe(b['x-ferry-nonce']);
  });

  it('MemoryNonceStore forgets expired nonces and evicts beyond its size', () => {
    let now = 1000;
    const store = new MemoryNonceStore({ maxEntries: 2, clock: () => now });
    expect(store.claim('A', 'n1', 2000)).toBe(true);
    expect(store.claim('A', 'n1', 2000)).toBe(false);
    expect(store.claim('B', 'n1', 2000)).toBe(true);
    now = 2500;
    expect(store.claim('A', 'n1', 3000)).toBe(true);
    expect(store.size).toBe(1);
    store.claim('A', 'n2', 4000);
    store.claim('A', 'n3', 4000);
    expect(store.size).toBe(2);
  });
});
