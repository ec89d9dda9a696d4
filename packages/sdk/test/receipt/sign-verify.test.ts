// Receipts: a hub's signed acknowledgement verifies, and nothing altered or misattributed does.
import { describe, expect, it } from 'vitest';
import { isFerryError } from '../../src/errors/index.js';
import { type Receipt, type SignedReceipt, signReceipt, verifyReceipt } from '../../src/receipt/index.js';
import { pkiFixture } from '../helpers/pki-fixtures.js';

const HUB = '11370000MB00000HUB';

function receipt(overrides: Partial<Receipt> = {}): Receipt {
  return {
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
  };
}

function reason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    if (isFerryError(err, 'FERRY_RECEIPT_INVALID')) return err.details?.reason;
    throw err;
  }
  return 'accepted';
}

describe.each(['ec-p256', 'rsa', 'sm2'] as const)('receipts signed with %s keys', (algorithm) => {
  const pki = pkiFixture(algorithm);
  const hub = pki.issue({ departmentCode: HUB });
  const signed = signReceipt(receipt(), hub);

  it('verifies and returns the receipt', () => {
    expect(verifyReceipt(signed, { trust: pki.trust, hub: HUB, envelopeId: receipt().envelopeId })).toEqual(
      receipt(),
    );
    expect(verifyReceipt(JSON.parse(JSON.stringify(signed)), { trust: pki.trust })).toEqual(receipt());
  });

  it('refuses any changed field', () => {
    for (const change of [
      { rows: 999 },
      { seq: 43 },
      { status: 'duplicate' as const },
      { sender: '11370000MB0000002B' },
    ]) {
      const altered: SignedReceipt = { ...signed, receipt: { ...signed.receipt, ...change } };
      expect(reason(() => verifyReceipt(altered, { trust: pki.trust }))).toBe('signature');
    }
  });

  it('refuses a receipt from another hub or for another envelope', () => {
    expect(reason(() => verifyReceipt(signed, { trust: pki.trust, hub: 'OTHERHUB' }))).toBe('hub');
    expect(reason(() => verifyReceipt(signed, { trust: pki.trust, envelopeId: 'f'.repeat(32) }))).toBe(
      'envelope',
    );
  });

  it('refuses a receipt whose certificate is untrusted or not the hub’s', () => {
    const rogueHub = pki.issue({ departmentCode: HUB, issuer: pki.rogueCa });
    expect(reason(() => verifyReceipt(signReceipt(receipt(), rogueHub), { trust: pki.trust }))).toBe(
      'certificate',
    );
    // A department certificate cannot sign a receipt in the hub's name.
    const asAlice = { ...signReceipt(receipt({ hub: pki.alice.certificate.departmentCode! }), pki.alice) };
    const claimed: SignedReceipt = { ...asAlice, receipt: { ...asAlice.receipt, hub: HUB } };
    expect(reason(() => verifyReceipt(claimed, { trust: pki.trust }))).toBe('certificate');
  });
});

describe('receipt shape', () => {
  const pki = pkiFixture('ec-p256');
  const hub = pki.issue({ departmentCode: HUB });

  it('signReceipt refuses a receipt naming another hub than its certificate', () => {
    expect(() => signReceipt(receipt({ hub: 'SOMEONEELSE' }), hub)).toThrow(/department code of the hub/);
  });

  it('signReceipt refuses malformed receipts', () => {
    expect(() => signReceipt(receipt({ envelopeId: 'XYZ' }), hub)).toThrow(/envelopeId/);
    expect(() => signReceipt({ ...receipt(), extra: 1 } as Receipt, hub)).toThrow();
  });

  it('verifyReceipt refuses unknown keys and garbage', () => {
    const signed = signReceipt(receipt(), hub);
    expect(
      reason(() =>
        verifyReceipt({ ...signed, receipt: { ...signed.receipt, note: 'x' } }, { trust: pki.trust }),
      ),
    ).toBe('shape');
    expect(reason(() => verifyReceipt('not a receipt', { trust: pki.trust }))).toBe('shape');
    expect(reason(() => verifyReceipt({ ...signed, x5c: ['AAAA'] }, { trust: pki.trust }))).toBe(
      'certificate',
    );
  });
});
