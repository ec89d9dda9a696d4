// The shortcuts taken for speed keep every check: the receiver's cache of verified sender chains, and the
// buffered seal that writes a frame into one buffer.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FrameWriter } from '../../src/envelope/frame-writer.js';
import { open, seal, sealStream, verifyEnvelope } from '../../src/envelope/index.js';
import { parseFrame } from '../../src/envelope/parse-frame.js';
import { prepareSeal } from '../../src/envelope/prepare.js';
import { SENDER_CHAIN_CACHE_SIZE } from '../../src/envelope/sender-chains.js';
import { generateKeyPair, type Identity, issueCertificate, TrustStore } from '../../src/pki/index.js';
import { DEPT, pkiFixture, SUITE_CASES } from '../helpers/pki-fixtures.js';
import { collect, expectCode } from './frame-tools.js';

const stream = { epoch: 1, seq: 0 };
const resource = '371000000000/00001';
const HOUR = 3600 * 1000;

describe('the cache of verified sender chains', () => {
  const pki = pkiFixture('ec-p256');
  const { alice, bob, ca } = pki;
  const sealFrom = (from: Identity, issuedAt = new Date()) =>
    seal({
      from,
      to: bob.certificate,
      resource,
      stream,
      bytes: Buffer.from('政务数据'),
      compression: 'none',
      issuedAt,
    });

  it('verifies a chain once per trust store and shares the frozen result', async () => {
    const trust = new TrustStore([ca.certificate]);
    const frame = await sealFrom(alice);
    const first = await open(frame, { me: bob, trust });
    const second = await open(await sealFrom(alice), { me: bob, trust });
    expect(second.sender.certificate).toBe(first.sender.certificate);
    expect(Object.isFrozen(first.sender.certificate)).toBe(true);
    expect(() => {
      (first.sender.certificate as { departmentCode: string }).departmentCode = DEPT.mallory;
    }).toThrow(TypeError);
    // Each caller gets its own array: changing it does not change what the next envelope reports.
    first.sender.chain.push(first.sender.certificate);
    expect((await verifyEnvelope(frame, { trust })).sender.chain).toHaveLength(2);
    // Another store verifies for itself.
    const other = await open(frame, { me: bob, trust: new TrustStore([ca.certificate]) });
    expect(other.sender.certificate).not.toBe(first.sender.certificate);
    expect(other.sender.certificate.fingerprint).toBe(first.sender.certificate.fingerprint);
  });

  it("re-checks every certificate's validity at the receiver's now, with the usual errors", async () => {
    const trust = new TrustStore([ca.certificate]);
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2030-06-01T00:00:00Z');
    const shortLived = pki.issue({ departmentCode: DEPT.alice, notBefore, notAfter });
    const inside = new Date(notAfter.getTime() - 2 * HOUR);
    await open(await sealFrom(shortLived, inside), { me: bob, trust, now: inside }); // now remembered
    const after = new Date(notAfter.getTime() + 2 * HOUR);
    await expectCode(
      open(await sealFrom(shortLived, after), { me: bob, trust, now: after }),
      'FERRY_CERT_EXPIRED',
    );
    const before = new Date(notBefore.getTime() - 2 * HOUR);
    await expectCode(
      open(await sealFrom(shortLived, before), { me: bob, trust, now: before }),
      'FERRY_CERT_NOT_YET_VALID',
    );
    await open(await sealFrom(shortLived, inside), { me: bob, trust, now: inside });
  });

  it('remembers no failure, and forgets everything when the store gains intermediates', async () => {
    const interKey = generateKeyPair('ec-p256');
    const inter = {
      certificate: issueCertificate({
        issuer: ca,
        subject: { commonName: 'Ferry Test Issuing CA' },
        publicKey: interKey.publicKey,
        profile: 'intermediate-ca',
      }),
      privateKey: interKey,
    };
    const unrelated = issueCertificate({
      issuer: ca,
      subject: { commonName: 'Another Issuing CA' },
      publicKey: generateKeyPair('ec-p256').publicKey,
      profile: 'intermediate-ca',
    });
    const leafKey = generateKeyPair('ec-p256');
    const leaf: Identity = {
      certificate: issueCertificate({
        issuer: inter,
        subject: { commonName: 'leaf', departmentCode: DEPT.alice },
        publicKey: leafKey.publicKey,
      }),
      privateKey: leafKey,
    };
    const trust = new TrustStore([ca.certificate]);
    const frame = await sealFrom(leaf); // no chain attached: the receiver must know the intermediate
    await expectCode(open(frame, { me: bob, trust }), 'FERRY_CERT_UNTRUSTED');
    await expectCode(open(frame, { me: bob, trust }), 'FERRY_CERT_UNTRUSTED');
    trust.addIntermediates([inter.certificate]);
    const opened = await open(frame, { me: bob, trust });
    expect(opened.sender.chain.map((c) => c.fingerprint)).toEqual([
      leaf.certificate.fingerprint,
      inter.certificate.fingerprint,
      ca.certificate.fingerprint,
    ]);
    // A change to the store drops what it remembered.
    const before = (await open(await sealFrom(alice), { me: bob, trust })).sender.certificate;
    trust.addIntermediates([unrelated]);
    const after = (await open(await sealFrom(alice), { me: bob, trust })).sender.certificate;
    expect(after).not.toBe(before);
    // Re-adding a known certificate is no change.
    trust.addIntermediates([unrelated]);
    expect((await open(await sealFrom(alice), { me: bob, trust })).sender.certificate).toBe(after);
  });

  it('does not let one store vouch for another', async () => {
    const trusted = new TrustStore([ca.certificate]);
    const frame = await sealFrom(alice);
    await open(frame, { me: bob, trust: trusted });
    await expectCode(
      open(frame, { me: bob, trust: new TrustStore([pki.rogueCa.certificate]) }),
      'FERRY_CERT_UNTRUSTED',
    );
  });

  it('still checks the sender department against a remembered certificate', async () => {
    const trust = new TrustStore([ca.certificate]);
    await open(await sealFrom(alice), { me: bob, trust });
    const prepared = prepareSeal(
      { from: alice, to: bob.certificate, resource, stream, compression: 'none' },
      { type: 'application/octet-stream', rows: null },
    );
    prepared.header.from.dept = DEPT.carol;
    const frame = new FrameWriter(
      prepared.header,
      prepared.suite,
      prepared.contentKey,
      alice.privateKey,
    ).whole(Buffer.from('x'));
    await expectCode(open(frame, { me: bob, trust }), 'FERRY_ENVELOPE_SENDER');
    await expectCode(
      open(await sealFrom(alice), { me: bob, trust, expectedSender: DEPT.carol }),
      'FERRY_ENVELOPE_SENDER',
    );
  });

  it(`holds at most ${SENDER_CHAIN_CACHE_SIZE} chains per store, least recently used out first`, async () => {
    const trust = new TrustStore([ca.certificate]);
    const key = generateKeyPair('ec-p256');
    const senders = Array.from({ length: SENDER_CHAIN_CACHE_SIZE + 1 }, () =>
      pki.issue({ departmentCode: DEPT.alice, key }),
    );
    const frames = await Promise.all(senders.map((s) => sealFrom(s)));
    const certificateOf = async (i: number) =>
      (await verifyEnvelope(frames[i]!, { trust })).sender.certificate;
    const first = await certificateOf(0);
    const second = await certificateOf(1);
    for (let i = 2; i < senders.length - 1; i++) await certificateOf(i);
    expect(await certificateOf(0)).toBe(first); // used again: now the most recent
    await certificateOf(senders.length - 1); // one too many: the least recently used (1) goes
    expect(await certificateOf(0)).toBe(first);
    expect(await certificateOf(1)).not.toBe(second);
  }, 60_000);
});

describe.each(SUITE_CASES)('the buffered seal: $label', ({ algorithm }) => {
  const { alice, bob, trust } = pkiFixture(algorithm);
  const segment = 1024;
  const contentKey = createHash('sha256').update('performance-paths').digest();

  const piecewise = (header: ReturnType<typeof prepareSeal>, content: Uint8Array) => {
    const writer = new FrameWriter(header.header, header.suite, contentKey, alice.privateKey);
    const parts = [writer.start()];
    for (let at = 0; at < content.length; at += segment)
      parts.push(writer.segment(content.subarray(at, at + segment)));
    parts.push(writer.finish());
    return Buffer.concat(parts);
  };

  for (const compression of ['none', 'deflate'] as const) {
    for (const length of [0, 1, segment, segment + 1, 3 * segment, 3 * segment - 7]) {
      it(`writes the same bytes as the streaming writer (${compression}, ${length} bytes)`, async () => {
        const content = Buffer.alloc(length, 'ferry,政务,'.repeat(8));
        const prepared = prepareSeal(
          {
            from: alice,
            to: bob.certificate,
            resource,
            stream,
            compression,
            segmentSize: segment,
            id: '0123456789abcdef0123456789abcdef',
            issuedAt: new Date(),
          },
          { type: 'application/octet-stream', rows: null },
          contentKey,
        );
        const whole = new FrameWriter(prepared.header, prepared.suite, contentKey, alice.privateKey).whole(
          content,
        );
        const pieces = piecewise(prepared, content);
        // Everything before the final segment is deterministic; the signatures are randomised (PSS, ECDSA, SM2).
        const [a, b] = [parseFrame(whole), parseFrame(pieces)];
        const dataEnd = (p: typeof a) => p.segments[p.segments.length - 1]!.offset;
        expect(dataEnd(a)).toBe(dataEnd(b));
        expect(Buffer.from(whole.subarray(0, dataEnd(a))).equals(pieces.subarray(0, dataEnd(b)))).toBe(true);
        expect(a.segments.length).toBe(b.segments.length);
        const opened = await open(whole, { me: bob, trust });
        expect(Buffer.from(opened.content).equals(content)).toBe(true);
      });
    }
  }

  it('never exposes uninitialised memory past the end of the frame', async () => {
    const frame = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      bytes: Buffer.alloc(300_000, 1),
      compression: 'none',
    });
    const backing = new Uint8Array(frame.buffer, frame.byteOffset + frame.byteLength);
    expect(backing.every((b) => b === 0)).toBe(true);
  });

  it('puts buffered content of up to 1 MiB in one segment, in power-of-two sizes; streams in 64 KiB', async () => {
    const options = { from: alice, to: bob.certificate, resource, stream, compression: 'none' as const };
    const layoutOf = async (length: number) => {
      const parsed = parseFrame(await seal({ ...options, bytes: Buffer.alloc(length, 7) }));
      return [parsed.header.content.segment, parsed.segments.length - 1];
    };
    expect(await layoutOf(0)).toEqual([64 * 1024, 0]);
    expect(await layoutOf(1000)).toEqual([64 * 1024, 1]);
    expect(await layoutOf(64 * 1024)).toEqual([64 * 1024, 1]);
    expect(await layoutOf(64 * 1024 + 1)).toEqual([128 * 1024, 1]);
    expect(await layoutOf(1024 * 1024)).toEqual([1024 * 1024, 1]);
    expect(await layoutOf(2 * 1024 * 1024 + 1)).toEqual([1024 * 1024, 3]);
    expect(
      parseFrame(await seal({ ...options, bytes: Buffer.alloc(10), segmentSize: 4096 })).header.content
        .segment,
    ).toBe(4096);
    const streamed = parseFrame(await collect(sealStream([Buffer.alloc(200_000, 7)], options)));
    expect([streamed.header.content.segment, streamed.segments.length - 1]).toEqual([64 * 1024, 4]);
  });

  it('seals the same content the same way buffered and streamed', async () => {
    const content = Buffer.alloc(200_000, 'abc');
    const options = { from: alice, to: bob.certificate, resource, stream, compression: 'none' as const };
    const buffered = await open(await seal({ ...options, bytes: content }), { me: bob, trust });
    const streamed = await open(await collect(sealStream([content], options)), { me: bob, trust });
    expect(Buffer.from(buffered.content).equals(content)).toBe(true);
    expect(Buffer.from(streamed.content).equals(content)).toBe(true);
  });
});
