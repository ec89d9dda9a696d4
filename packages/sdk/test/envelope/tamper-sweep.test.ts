// Exhaustive tampering of a small frame: a flipped bit at every byte position, truncation at every length and
// every bit of the outer signature's encoding. Each must be refused with a FerryError; none may open.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, openStream, seal } from '../../src/envelope/index.js';
import { parseFrame } from '../../src/envelope/parse-frame.js';
import { verifyOuterSignature } from '../../src/envelope/receiver.js';
import { pkiFixture, SUITE_CASES } from '../helpers/pki-fixtures.js';
import { chunked, collect, edited, expectCode, layout, regionOf, rejection } from './frame-tools.js';

const stream = { epoch: 1, seq: 0 };
const resource = '371000000000/00001';

describe.each(SUITE_CASES)('tampering with a small frame: $label', ({ algorithm }) => {
  const { alice, bob, trust } = pkiFixture(algorithm);
  const small = () =>
    seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      rows: [{ 姓名: '王五' }],
      compression: 'none',
    });

  // Every position of the EC frame. The RSA and SM2 frames differ from it in their header only by the certificate
  // and the wrapped key, and a header flip costs a certificate parse and chain check (SM2 in JavaScript: ~10 ms);
  // so to keep the suite fast their headers get every third position, everything else every position.
  const headerStep = algorithm === 'ec-p256' ? 1 : 3;

  it(`refuses a flipped bit at every byte position (header: every ${headerStep === 1 ? '' : 'third '}position)`, async () => {
    const frame = await small();
    const where = layout(frame);
    const codes = new Map<string, Set<string>>();
    for (let offset = 0; offset < frame.length; offset++) {
      if (regionOf(where, offset) === 'header' && offset % headerStep !== 0) continue;
      // A different bit per position, so that over the frame every bit index is exercised.
      const bad = edited(frame, (b) => {
        b[offset]! ^= 1 << (offset % 8);
      });
      const err = await rejection(open(bad, { me: bob, trust }));
      const region = regionOf(where, offset);
      if (!codes.has(region)) codes.set(region, new Set());
      codes.get(region)!.add(err.code);
      if (offset % 32 === 5) {
        // The streaming reader must agree that the frame is bad, whether it fails early or at the end.
        await rejection(async () =>
          collect((await openStream(chunked(bad, [7, 300]), { me: bob, trust })).content),
        );
      }
    }
    const seen = Object.fromEntries([...codes].map(([region, set]) => [region, [...set].sort()]));
    console.info(`bit-flip sweep, ${algorithm}, ${frame.length} bytes: ${JSON.stringify(seen)}`);
    expect(seen.magic).toEqual(['FERRY_ENVELOPE_MALFORMED']);
    for (const region of ['data-segment', 'final-segment', 'signature']) {
      expect(seen[region]).toEqual(['FERRY_ENVELOPE_TAMPERED']);
    }
  });

  it('refuses truncation at every length', async () => {
    const frame = await small();
    for (let length = 0; length < frame.length; length++) {
      const err = await rejection(open(frame.subarray(0, length), { me: bob, trust }));
      expect(
        ['FERRY_ENVELOPE_TRUNCATED', 'FERRY_ENVELOPE_MALFORMED'],
        `length ${length}: ${err.message}`,
      ).toContain(err.code);
      if (length % 32 === 3) {
        const streamed = await rejection(async () =>
          collect((await openStream([frame.subarray(0, length)], { me: bob, trust })).content),
        );
        expect(['FERRY_ENVELOPE_TRUNCATED', 'FERRY_ENVELOPE_MALFORMED']).toContain(streamed.code);
      }
    }
  });

  it('refuses any change to the outer signature’s bytes, its DER structure included', async () => {
    const frame = await small();
    const parsed = parseFrame(frame);
    const digest = createHash(parsed.suite.hash).update(parsed.signed).digest();
    const key = alice.certificate.publicKey;
    const signature = Buffer.from(parsed.signature);
    expect(() => verifyOuterSignature(parsed.suite, key, digest, signature)).not.toThrow();
    // ECDSA and SM2: tag and length bytes of SEQUENCE { INTEGER r, INTEGER s } get every bit flipped.
    const structural = new Set<number>();
    if (algorithm !== 'rsa') {
      structural.add(0).add(1).add(2).add(3);
      structural.add(4 + signature[3]!).add(5 + signature[3]!);
    }
    for (let offset = 0; offset < signature.length; offset++) {
      const bits = structural.has(offset) || algorithm !== 'sm2' ? [0, 1, 2, 3, 4, 5, 6, 7] : [offset % 8];
      for (const bit of bits) {
        const bad = edited(signature, (b) => {
          b[offset]! ^= 1 << bit;
        });
        expect(
          () => verifyOuterSignature(parsed.suite, key, digest, bad),
          `offset ${offset} bit ${bit}`,
        ).toThrow('The envelope failed authentication');
      }
    }
    if (algorithm !== 'rsa') {
      // The same r and s, encoded with a needless leading zero: one signature must have one encoding.
      const rLength = signature[3]!;
      const r = signature.subarray(4, 4 + rLength);
      const rest = signature.subarray(4 + rLength);
      const padded = Buffer.concat([Buffer.of(0x30, signature[1]! + 1, 0x02, rLength + 1, 0x00), r, rest]);
      expect(() => verifyOuterSignature(parsed.suite, key, digest, padded)).toThrow(
        'The envelope failed authentication',
      );
    }
    // Bytes after the signature's DER, inside the declared signature length.
    const where = layout(frame);
    const padded = Buffer.concat([
      frame.subarray(0, where.signatureLengthOffset),
      Buffer.alloc(2),
      signature,
      Buffer.of(0),
    ]);
    padded.writeUInt16BE(signature.length + 1, where.signatureLengthOffset);
    await expectCode(open(padded, { me: bob, trust }), 'FERRY_ENVELOPE_TAMPERED');
  });
});
