// The receipt test vectors of docs/protocol/receipt.md. A second implementation reproduces the signing input
// byte for byte and verifies the signatures (they are randomised, so they are checked, not reproduced).
// Regenerate with FERRY_WRITE_VECTORS=1 (only when the format changes on purpose).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Certificate, TrustStore } from '../../src/pki/index.js';
import { type Receipt, signReceipt, verifyReceipt } from '../../src/receipt/index.js';
import { receiptSigningInput } from '../../src/receipt/sign-receipt.js';
import { pkiFixture } from '../helpers/pki-fixtures.js';

const FILE = new URL('../../../../docs/protocol/test-vectors/receipt-v1.json', import.meta.url);
const HUB = '11370000MB00000HUB';
const AT = new Date('2026-11-26T08:00:01Z');

interface Vector {
  name: string;
  caCertificate: string;
  hubCertificate: string;
  receipt: Receipt;
  signingInputHex: string;
  signedReceipt: { receipt: Receipt; signature: string; x5c: string[] };
}

const RECEIPT: Receipt = {
  v: 1,
  envelopeId: '9f86d081884c7d659a2feaa0c55ad015',
  sender: '11370000MB0000001A',
  resource: '101001/000001',
  epoch: 3,
  seq: 17,
  rows: 1000,
  status: 'applied',
  appliedAt: '2026-11-26T08:00:00.123Z',
  hub: HUB,
};

function generate(): { description: string; vectors: Vector[] } {
  const vectors = (['ec-p256', 'sm2'] as const).map((algorithm) => {
    const pki = pkiFixture(algorithm);
    const hub = pki.issue({ departmentCode: HUB });
    return {
      name: algorithm === 'sm2' ? 'SM2-SM3' : 'ECDSA-P256-SHA256',
      caCertificate: pki.ca.certificate.toPem(),
      hubCertificate: hub.certificate.toPem(),
      receipt: RECEIPT,
      signingInputHex: receiptSigningInput(RECEIPT).toString('hex'),
      signedReceipt: signReceipt(RECEIPT, hub),
    };
  });
  return { description: 'Ferry receipt v1 test vectors (docs/protocol/receipt.md)', vectors };
}

if (process.env.FERRY_WRITE_VECTORS === '1' || !existsSync(FILE)) {
  writeFileSync(FILE, `${JSON.stringify(generate(), null, 2)}\n`);
}
const { vectors } = JSON.parse(readFileSync(FILE, 'utf8')) as { vectors: Vector[] };

describe.each(vectors)('receipt vector $name', (vector) => {
  const trust = new TrustStore([Certificate.parse(vector.caCertificate)]);

  it('reproduces the signing input: context string, then RFC 8785 canonical JSON', () => {
    const input = receiptSigningInput(vector.receipt);
    expect(input.toString('hex')).toBe(vector.signingInputHex);
    expect(input.subarray(0, 17).toString('latin1')).toBe('FERRY-RECEIPT-V1\0');
    expect(input.subarray(17).toString('utf8')).toBe(
      '{"appliedAt":"2026-11-26T08:00:00.123Z","envelopeId":"9f86d081884c7d659a2feaa0c55ad015","epoch":3,"hub":"11370000MB00000HUB","resource":"101001/000001","rows":1000,"sender":"11370000MB0000001A","seq":17,"status":"applied","v":1}',
    );
  });

  it('verifies the stored signature with the stored certificates', () => {
    expect(Certificate.parse(vector.hubCertificate).fingerprint).toBe(
      Certificate.parse(Buffer.from(vector.signedReceipt.x5c[0]!, 'base64')).fingerprint,
    );
    expect(
      verifyReceipt(vector.signedReceipt, { trust, hub: HUB, envelopeId: RECEIPT.envelopeId, at: AT }),
    ).toEqual(RECEIPT);
  });
});
