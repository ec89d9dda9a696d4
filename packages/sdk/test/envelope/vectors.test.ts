// The committed test vectors (docs/protocol/test-vectors/envelope-v1.json) against this implementation: every
// frame opens, and everything that is not randomised is reproduced byte for byte.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INNER_CONTEXT, OUTER_CONTEXT } from '../../src/envelope/constants.js';
import { FrameWriter } from '../../src/envelope/frame-writer.js';
import { encodeHeader } from '../../src/envelope/header.js';
import { open, openStream, verifyEnvelope } from '../../src/envelope/index.js';
import { parseFrame } from '../../src/envelope/parse-frame.js';
import { decodeRows } from '../../src/envelope/rows.js';
import { suiteByName } from '../../src/envelope/suites/index.js';
import { Certificate, type Identity, loadPrivateKey, TrustStore, verifyBytes } from '../../src/pki/index.js';
import { chunked, collect } from './frame-tools.js';
import { type EnvelopeVector, VECTORS_PATH, type VectorFile } from './vectors.generate.js';

const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as VectorFile;
const bytes = (hex: string) => Buffer.from(hex, 'hex');

/** A vector's keys, certificates and frame, loaded and parsed. */
function load(v: EnvelopeVector) {
  const suite = suiteByName(v.suite);
  const ca = Certificate.parse(v.ca.certificate);
  const recipient: Identity = {
    certificate: Certificate.parse(v.recipient.certificate),
    privateKey: loadPrivateKey(v.recipient.privateKey),
  };
  const sender: Identity = {
    certificate: Certificate.parse(v.sender.certificate),
    privateKey: loadPrivateKey(v.sender.privateKey),
  };
  const frame = bytes(v.frame);
  const parsed = parseFrame(frame);
  return {
    suite,
    ca,
    trust: new TrustStore([ca]),
    recipient,
    sender,
    frame,
    content: bytes(v.content),
    contentKey: bytes(v.contentKey),
    now: new Date(v.iat),
    parsed,
    dataSegments: parsed.segments.filter((s) => !s.final),
    headerDigest: createHash(suite.hash).update(bytes(v.header)).digest(),
  };
}

describe('envelope v1 test vectors', () => {
  it('cover INTL with RSA, INTL with EC P-256 and GM, exact and deflated', () => {
    expect(file.vectors.map((v) => v.name)).toEqual(['INTL-RSA', 'INTL-EC', 'GM', 'GM-deflate']);
    for (const v of file.vectors) {
      expect(v.segmentSize).toBe(1024);
      expect(bytes(v.content).length).toBeGreaterThan(2 * 1024);
      expect(v.segments.length).toBeGreaterThanOrEqual(2);
      expect(v.exact).toBe(v.compression === 'none');
    }
  });

  describe.each(file.vectors)('$name', (v) => {
    const {
      suite,
      ca,
      trust,
      recipient,
      sender,
      frame,
      content,
      contentKey,
      now,
      parsed,
      dataSegments,
      headerDigest,
    } = load(v);

    it('opens with the recipient key to the committed content', async () => {
      const opened = await open(frame, { me: recipient, trust, now });
      expect(Buffer.from(opened.content).toString('hex')).toBe(v.content);
      expect(opened.rows).toEqual(decodeRows(content));
      expect(opened.rows).toHaveLength(v.rows);
      expect(opened.header).toMatchObject({
        id: v.id,
        iat: v.iat,
        resource: v.resource,
        stream: v.stream,
        suite: v.suite,
      });
      expect(opened.sender.departmentCode).toBe(v.sender.departmentCode);
      expect(Buffer.from(opened.evidence.innerSignature).toString('hex')).toBe(v.innerSignature);
      const streamed = await openStream(chunked(frame, [100, 1]), { me: recipient, trust, now });
      expect((await collect(streamed.content)).toString('hex')).toBe(v.content);
      expect((await verifyEnvelope(frame, { trust, now })).header.id).toBe(v.id);
    });

    it('has certificates valid for decades', () => {
      for (const cert of [ca, sender.certificate, recipient.certificate]) {
        expect(cert.notAfter.getTime()).toBeGreaterThan(new Date('2120-01-01T00:00:00Z').getTime());
        expect(cert.notBefore.getTime()).toBeLessThanOrEqual(v.iat);
      }
    });

    it('carries the committed header, in canonical form', () => {
      expect(Buffer.from(parsed.headerBytes).toString('hex')).toBe(v.header);
      expect(Buffer.from(encodeHeader(parsed.header)).toString('hex')).toBe(v.header);
      expect(headerDigest.toString('hex')).toBe(v.headerDigest);
      expect(parsed.header.content).toEqual({
        type: v.contentType,
        compression: v.compression,
        rows: v.rows,
        segment: 1024,
      });
    });

    it('unwraps the committed content key', () => {
      const entry = parsed.header.to.find((r) => r.kid === recipient.certificate.fingerprint)!;
      expect(entry.key).toBe(v.wrappedKey);
      expect(Buffer.from(suite.unwrapKey(entry, recipient.privateKey)).toString('hex')).toBe(v.contentKey);
    });

    it('holds the committed segments and signatures, and both signatures verify', () => {
      expect(dataSegments.map((s) => Buffer.from(s.sealed).toString('hex'))).toEqual(v.segments);
      const final = parsed.segments[parsed.segments.length - 1]!;
      expect(final.final).toBe(true);
      expect(Buffer.from(final.sealed).toString('hex')).toBe(v.finalSegment);
      expect(Buffer.from(parsed.signature).toString('hex')).toBe(v.outerSignature);

      const key = sender.certificate.publicKey;
      const transcript = createHash(suite.hash).update(parsed.signed).digest();
      expect(verifyBytes(key, Buffer.concat([OUTER_CONTEXT, transcript]), bytes(v.outerSignature))).toBe(
        true,
      );
      const cipher = suite.contentCipher(contentKey, headerDigest);
      expect(Buffer.from(cipher.open(dataSegments.length, true, final.sealed)).toString('hex')).toBe(
        v.innerSignature,
      );
      const contentDigest = createHash(suite.hash).update(content).digest();
      const inner = Buffer.concat([INNER_CONTEXT, headerDigest, contentDigest]);
      expect(verifyBytes(key, inner, bytes(v.innerSignature))).toBe(true);
    });
  });

  // Compressed vectors depend on the zlib build, so they are checked by opening only.
  describe.each(file.vectors.filter((v) => v.exact))('$name, byte for byte', (v) => {
    const {
      suite,
      recipient,
      sender,
      frame,
      content,
      contentKey,
      now,
      trust,
      parsed,
      dataSegments,
      headerDigest,
    } = load(v);

    it('recomputes every data segment from the content key and content', () => {
      const cipher = suite.contentCipher(contentKey, headerDigest);
      const expected: string[] = [];
      for (let at = 0, i = 0; at < content.length; at += v.segmentSize, i++) {
        expected.push(
          Buffer.from(cipher.seal(i, false, content.subarray(at, at + v.segmentSize))).toString('hex'),
        );
      }
      expect(expected).toEqual(v.segments);
    });

    it('is reproduced by FrameWriter up to the randomised final segment, whose signatures verify', async () => {
      const writer = new FrameWriter(parsed.header, suite, contentKey, sender.privateKey);
      const parts = [writer.start()];
      expect(parts[0]!.toString('hex')).toBe(
        Buffer.from(frame.subarray(0, dataSegments[0]!.offset)).toString('hex'),
      );
      dataSegments.forEach((segment, i) => {
        const written = writer.segment(content.subarray(i * v.segmentSize, (i + 1) * v.segmentSize));
        expect(written.toString('hex')).toBe(
          Buffer.from(frame.subarray(segment.offset, segment.offset + written.length)).toString('hex'),
        );
        parts.push(written);
      });
      parts.push(writer.finish());
      const rewritten = Buffer.concat(parts);
      const prefixLength = parsed.segments[parsed.segments.length - 1]!.offset;
      expect(rewritten.subarray(0, prefixLength).equals(frame.subarray(0, prefixLength))).toBe(true);
      // The final segment (inner signature) and the outer signature are randomised afresh: they must verify.
      const opened = await open(rewritten, { me: recipient, trust, now });
      expect(Buffer.from(opened.content).toString('hex')).toBe(v.content);
    });
  });
});
