// The verified hub chain is remembered per trust store, but every receipt is still checked as strictly.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isFerryError } from '../../src/errors/index.js';
import { Certificate } from '../../src/pki/certificate.js';
import { TrustStore } from '../../src/pki/trust.js';
import { type Receipt, signReceipt, verifyReceipt } from '../../src/receipt/index.js';
import { pkiFixture } from '../helpers/pki-fixtures.js';

const HUB = '11370000MB00000HUB';
const receipt = (overrides: Partial<Receipt> = {}): Receipt => ({
  v: 1,
  envelopeId: '0123456789abcdef0123456789abcdef',
  sender: '11370000MB0000001A',
  resource: '101001/000001',
  epoch: 1,
  seq: 42,
  rows: 1000,
  status: 'applied',
  appliedAt: '2026-11-26T08:00:00.123Z',
  hub: HUB,
  ...overrides,
});

function failure(fn: () => unknown): { reason: unknown; certificateError: unknown } | 'accepted' {
  try {
    fn();
  } catch (err) {
    if (isFerryError(err, 'FERRY_RECEIPT_INVALID')) {
      return { reason: err.details?.reason, certificateError: err.details?.certificateError };
    }
    throw err;
  }
  return 'accepted';
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('receipt verification with a cached hub chain', () => {
  const pki = pkiFixture('ec-p256');

  it('parses and verifies the hub certificate once per trust store', () => {
    const hub = pki.issue({ departmentCode: HUB });
    const trust = new TrustStore([pki.ca.certificate]);
    const parse = vi.spyOn(Certificate, 'parse');
    for (let seq = 0; seq < 5; seq++) {
      expect(verifyReceipt(signReceipt(receipt({ seq }), hub), { trust, hub: HUB }).seq).toBe(seq);
    }
    expect(parse).toHaveBeenCalledTimes(1);
    // Another store (even over the same CA) starts empty.
    verifyReceipt(signReceipt(receipt(), hub), { trust: new TrustStore([pki.ca.certificate]) });
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('still checks the signature of every receipt', () => {
    const hub = pki.issue({ departmentCode: HUB });
    const trust = new TrustStore([pki.ca.certificate]);
    const signed = signReceipt(receipt(), hub);
    verifyReceipt(signed, { trust });
    const altered = { ...signed, receipt: { ...signed.receipt, rows: 1 } };
    expect(failure(() => verifyReceipt(altered, { trust }))).toMatchObject({ reason: 'signature' });
  });

  it('re-checks the validity period at each verification', () => {
    const hub = pki.issue({
      departmentCode: HUB,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    const trust = new TrustStore([pki.ca.certificate]);
    const signed = signReceipt(receipt(), hub);
    expect(verifyReceipt(signed, { trust, at: new Date('2026-06-01T00:00:00Z') }).seq).toBe(42);
    expect(failure(() => verifyReceipt(signed, { trust, at: new Date('2027-06-01T00:00:00Z') }))).toEqual({
      reason: 'certificate',
      certificateError: 'FERRY_CERT_EXPIRED',
    });
    expect(failure(() => verifyReceipt(signed, { trust, at: new Date('2024-06-01T00:00:00Z') }))).toEqual({
      reason: 'certificate',
      certificateError: 'FERRY_CERT_NOT_YET_VALID',
    });
    // And valid again inside the window.
    expect(verifyReceipt(signed, { trust, at: new Date('2026-01-01T00:00:00Z') }).seq).toBe(42);
  });

  it('does not let a cached chain vouch for another hub department code', () => {
    const hub = pki.issue({ departmentCode: HUB });
    const trust = new TrustStore([pki.ca.certificate]);
    verifyReceipt(signReceipt(receipt(), hub), { trust });
    // Same x5c, but the receipt claims another hub: the certificate does not carry that code.
    const signed = signReceipt(receipt(), hub);
    const claimed = { ...signed, receipt: { ...signed.receipt, hub: 'OTHERHUB' } };
    expect(failure(() => verifyReceipt(claimed, { trust }))).toEqual({
      reason: 'certificate',
      certificateError: 'FERRY_CERT_SUBJECT',
    });
  });

  it('remembers no failure: an untrusted chain fails every time', () => {
    const rogue = pki.issue({ departmentCode: HUB, issuer: pki.rogueCa });
    const trust = new TrustStore([pki.ca.certificate]);
    const parse = vi.spyOn(Certificate, 'parse');
    for (let i = 0; i < 2; i++) {
      expect(failure(() => verifyReceipt(signReceipt(receipt(), rogue), { trust }))).toEqual({
        reason: 'certificate',
        certificateError: 'FERRY_CERT_UNTRUSTED',
      });
    }
    expect(parse).toHaveBeenCalledTimes(2);
  });
});

describe('a verified receipt', () => {
  const pki = pkiFixture('ec-p256');
  const hub = pki.issue({ departmentCode: HUB });
  const signed = JSON.parse(JSON.stringify(signReceipt(receipt(), hub)));

  it('leaves the caller’s object alone and returns the same receipt either way', () => {
    const copy = JSON.parse(JSON.stringify(signed));
    const fast = verifyReceipt(copy, { trust: pki.trust });
    expect(fast).toEqual(receipt());
    expect(fast).not.toBe(copy.receipt);
    // Seconds without milliseconds is valid ISO 8601 too.
    const other = signReceipt(receipt({ appliedAt: '2026-11-26T08:00:00Z' }), hub);
    expect(verifyReceipt(other, { trust: pki.trust }).appliedAt).toBe('2026-11-26T08:00:00Z');
  });
});
