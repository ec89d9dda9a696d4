// One signature, one encoding: verifyBytes accepts only the canonical DER of an ECDSA or SM2 signature, so a
// signed object (a certificate, an envelope) cannot be re-encoded into a second copy that still verifies.
import { describe, expect, it } from 'vitest';
import { signBytes, verifyBytes } from '../../src/pki/index.js';
import { newKey } from './support.js';

describe.each(['ec-p256', 'sm2'] as const)('%s signature encoding', (algorithm) => {
  const key = newKey(algorithm);
  const message = new TextEncoder().encode('canonical signatures only');
  const signature = signBytes(key, message);

  it('accepts the signature as made', () => {
    expect(verifyBytes(key.publicKey, message, signature)).toBe(true);
  });

  it.each([
    ['another SEQUENCE tag', (s: Uint8Array) => patch(s, 0, 0x31)],
    ['a context-class SEQUENCE tag', (s: Uint8Array) => patch(s, 0, 0xb0)],
    ['a wrong SEQUENCE length', (s: Uint8Array) => patch(s, 1, s[1]! - 1)],
    ['another INTEGER tag for r', (s: Uint8Array) => patch(s, 2, 0x03)],
    ['another INTEGER tag for s', (s: Uint8Array) => patch(s, 4 + s[3]!, 0x82)],
    ['a trailing byte', (s: Uint8Array) => new Uint8Array([...s, 0])],
    ['a long-form SEQUENCE length', (s: Uint8Array) => new Uint8Array([0x30, 0x81, ...s.subarray(1)])],
    ['a non-minimal r', (s: Uint8Array) => padR(s)],
  ])('rejects %s', (_, mutate) => {
    expect(verifyBytes(key.publicKey, message, mutate(signature))).toBe(false);
  });
});

function patch(sig: Uint8Array, index: number, value: number): Uint8Array {
  const out = sig.slice();
  out[index] = value;
  return out;
}

/** r with an extra leading zero byte (lengths fixed up): same value, not DER. */
function padR(sig: Uint8Array): Uint8Array {
  const rLength = sig[3]!;
  const r = sig.subarray(4, 4 + rLength);
  const rest = sig.subarray(4 + rLength);
  return new Uint8Array([0x30, sig[1]! + 1, 0x02, rLength + 1, 0x00, ...r, ...rest]);
}
