// The verified hub chain is remembered per trust store, but every receipt is still checked as strictly.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isFerryError } from '../../src/errors/index.js';
import { Certificate } from '../../src/pki/certificate.js';
import { TrustStore } from '../../src/pki/trust.js';
import { type Receipt, signReceipt, verifyReceipt } from '../../src/receipt/index.js';
import { isPlainSignedReceipt, signedReceiptSchema } from '../../src/receipt/receipt.js';
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

describe('the fast shape check of a signed receipt', () => {
  const pki = pkiFixture('ec-p256');
  const hub = pki.issue({ departmentCode: HUB });
  const signed = JSON.parse(JSON.stringify(signReceipt(receipt(), hub)));

  it('accepts what a hub sends and never anything the schema refuses', () => {
    expect(isPlainSignedReceipt(signed)).toBe(true);
    const variants: unknown[] = [
      null,
      [],
      'x',
      { ...signed, extra: 1 },
      { ...signed, x5c: [] },
      { ...signed, x5c: ['not base64!'] },
      { ...signed, signature: 'a'.repeat(2049) },
    ];
    const fields: [string, unknown[]][] = [
      ['v', [2, '1', undefined]],
      ['envelopeId', ['ABC', `${'0'.repeat(31)}G`, 1]],
      ['sender', ['', 'x'.repeat(65), 3]],
      ['resource', ['', 'x'.repeat(129)]],
      ['epoch', [-1, 1.5, 2 ** 53, '1']],
      ['seq', [-1, Number.NaN]],
      ['rows', [Number.POSITIVE_INFINITY]],
      ['status', ['ok', undefined]],
      [
        'appliedAt',
        [
          '2026-02-30T08:00:00.000Z',
          '2026-11-26T08:00:00.000+08:00',
          '2026-11-26 08:00:00.000Z',
          '2026-11-26T24:00:00.000Z',
          '2026-11-26T08:00:00Z', // valid for the schema, not the hub's form: left to the schema
          '',
        ],
      ],
      ['hub', ['']],
    ];
    for (const [field, values] of fields) {
      for (const value of values)
        variants.push({ ...signed, receipt: { ...signed.receipt, [field]: value } });
    }
    const { hub: _dropped, ...missing } = signed.receipt;
    variants.push({ ...signed, receipt: missing }, { ...signed, receipt: { ...signed.receipt, note: 1 } });
    for (const v of variants) {
      if (isPlainSignedReceipt(v))
        expect(signedReceiptSchema.safeParse(v).success, JSON.stringify(v)).toBe(true);
    }
    expect(variants.filter((v) => isPlainSignedReceipt(v))).toEqual([]);
  });

  it('leaves the caller’s object alone and returns the same receipt either way', () => {
    const copy = JSON.parse(JSON.stringify(signed));
    const fast = verifyReceipt(copy, { trust: pki.trust });
    expect(fast).toEqual(receipt());
    expect(fast).not.toBe(copy.receipt);
    // A form the fast check leaves to the schema (seconds without milliseconds is valid ISO 8601 too).
    const other = signReceipt(receipt({ appliedAt: '2026-11-26T08:00:00Z' }), hub);
    expect(isPlainSignedReceipt(other)).toBe(false);
    expect(verifyReceipt(other, { trust: pki.trust }).appliedAt).toBe('2026-11-26T08:00:00Z');
  });
});
