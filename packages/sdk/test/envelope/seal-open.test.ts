// Envelopes sealed with each suite open to exactly what was sealed, for every recipient and nobody else.
import { createHash, randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { INNER_CONTEXT } from '../../src/envelope/constants.js';
import { inspectEnvelope, NDJSON, open, seal, verifyEnvelope } from '../../src/envelope/index.js';
import { parseFrame } from '../../src/envelope/parse-frame.js';
import { verifyBytes } from '../../src/pki/index.js';
import { DEPT, pkiFixture, SUITE_CASES } from '../helpers/pki-fixtures.js';
import { expectCode } from './frame-tools.js';

const stream = { epoch: 3, seq: 17 };
const resource = '371000000000/00001';

/** Rows with Chinese text, long enough to fill many 1 KiB segments. */
function sampleRows(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: String(i),
    name: i % 2 ? '张三' : '李四·欧阳',
    address: `山东省济南市历下区泉城路${i}号（政务服务中心）`,
    amount: `${i}.50`,
    note: i % 7 === 0 ? '𠮷 emoji 😀 and "quotes" \\ back\nslash' : null,
  }));
}

describe.each(SUITE_CASES)('seal and open: $label', ({ algorithm, suite }) => {
  const pki = pkiFixture(algorithm);
  const { alice, bob, carol, dave, mallory, trust } = pki;

  it.each(['deflate', 'none'] as const)(
    'round-trips Chinese rows over many segments (%s)',
    async (compression) => {
      const rows = sampleRows(120);
      const frame = await seal({
        from: alice,
        to: bob.certificate,
        resource,
        stream,
        rows,
        compression,
        segmentSize: 1024,
      });
      const parsed = parseFrame(frame);
      expect(parsed.segments.filter((s) => !s.final).length).toBeGreaterThan(5);
      const opened = await open(frame, { me: bob, trust });
      expect(opened.rows).toEqual(rows);
      expect(opened.header.suite).toBe(suite);
      expect(opened.header.content).toEqual({ type: NDJSON, compression, rows: 120, segment: 1024 });
      expect(opened.header.resource).toBe(resource);
      expect(opened.header.stream).toEqual(stream);
      expect(opened.sender.departmentCode).toBe(DEPT.alice);
      expect(opened.sender.certificate.fingerprint).toBe(alice.certificate.fingerprint);
      expect(Buffer.from(opened.content).toString('utf8')).toContain('李四·欧阳');
      expect(opened.compressedSegments).toBeUndefined();
      // Kept as the sender compressed them, the segments inflate, in order, to the content.
      const kept = await open(frame, { me: bob, trust, keepCompressed: true });
      if (compression === 'none') expect(kept.compressedSegments).toBeUndefined();
      else {
        const segments = kept.compressedSegments!;
        expect(segments).toHaveLength(parsed.segments.length - 1);
        const inflated = segments.map((s) => inflateRawSync(s.deflated));
        expect(inflated.map((b) => b.length)).toEqual(segments.map((s) => s.length));
        expect(Buffer.concat(inflated)).toEqual(Buffer.from(kept.content));
      }
    },
  );

  it.each(['deflate', 'none'] as const)('round-trips bytes (%s)', async (compression) => {
    const bytes = randomBytes(5000);
    const frame = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      bytes,
      compression,
      segmentSize: 1024,
    });
    const opened = await open(frame, { me: bob, trust });
    expect(Buffer.from(opened.content).equals(bytes)).toBe(true);
    expect(opened.rows).toBeUndefined();
    expect(opened.header.content.type).toBe('application/octet-stream');
    expect(opened.header.content.rows).toBeNull();
  });

  it('fills segments exactly when the content is a multiple of the segment size', async () => {
    const bytes = randomBytes(3 * 1024);
    const frame = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      bytes,
      segmentSize: 1024,
    });
    expect(parseFrame(frame).segments.map((s) => s.final)).toEqual([false, false, false, true]);
    expect(Buffer.from((await open(frame, { me: bob, trust })).content).equals(bytes)).toBe(true);
  });

  it('round-trips empty rows and empty bytes (no data segment, only the final one)', async () => {
    const empty = await seal({ from: alice, to: bob.certificate, resource, stream, rows: [] });
    expect(parseFrame(empty).segments).toHaveLength(1);
    const opened = await open(empty, { me: bob, trust });
    expect(opened.rows).toEqual([]);
    expect(opened.content).toHaveLength(0);
    expect(opened.header.content.rows).toBe(0);

    const noBytes = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      bytes: new Uint8Array(0),
    });
    expect((await open(noBytes, { me: bob, trust })).content).toHaveLength(0);
  });

  it('opens for every recipient and refuses a trusted department it was not addressed to', async () => {
    const rows = sampleRows(10);
    const frame = await seal({
      from: alice,
      to: [bob.certificate, carol.certificate, dave.encryption!.certificate],
      resource,
      stream,
      rows,
    });
    const header = parseFrame(frame).header;
    expect(header.to.map((r) => r.dept)).toEqual([DEPT.bob, DEPT.carol, DEPT.dave]);
    for (const me of [bob, carol, dave]) expect((await open(frame, { me, trust })).rows).toEqual(rows);
    await expectCode(open(frame, { me: mallory, trust }), 'FERRY_ENVELOPE_NOT_RECIPIENT');
    // The sender was not addressed either: sealing does not add the sender as a recipient.
    await expectCode(open(frame, { me: alice, trust }), 'FERRY_ENVELOPE_NOT_RECIPIENT');
  });

  it('wraps to the separate encryption certificate and signs with the signing certificate', async () => {
    const frame = await seal({
      from: dave,
      to: dave.encryption!.certificate,
      resource,
      stream,
      rows: [{ 名称: '双证书' }],
    });
    const header = parseFrame(frame).header;
    expect(header.to[0]!.kid).toBe(dave.encryption!.certificate.fingerprint);
    expect(header.from.x5c[0]).toBe(Buffer.from(dave.certificate.der).toString('base64'));
    expect((await open(frame, { me: dave, trust })).rows).toEqual([{ 名称: '双证书' }]);
    // Dave's signing certificate is not an encryption certificate: addressing it is refused at seal time.
    await expectCode(
      seal({ from: alice, to: dave.certificate, resource, stream, rows: [] }),
      'FERRY_CERT_USAGE',
    );
    // Without its encryption half, Dave's identity does not match the recipient entry.
    await expectCode(
      open(frame, { me: { certificate: dave.certificate, privateKey: dave.privateKey }, trust }),
      'FERRY_ENVELOPE_NOT_RECIPIENT',
    );
  });

  it('uses the id and issued-at given, and returns the inner signature as evidence', async () => {
    const id = '0123456789abcdef0123456789abcdef';
    const issuedAt = new Date('2024-05-01T08:00:00Z');
    const content = Buffer.from('居民身份证号码,姓名\n', 'utf8');
    const frame = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      bytes: content,
      id,
      issuedAt,
    });
    const opened = await open(frame, { me: bob, trust, now: new Date(issuedAt.getTime() + 1000) });
    expect(opened.header.id).toBe(id);
    expect(opened.header.iat).toBe(issuedAt.getTime());
    const hash = opened.header.suite === 'GM' ? 'sm3' : 'sha256';
    const message = Buffer.concat([
      INNER_CONTEXT,
      createHash(hash).update(opened.evidence.headerBytes).digest(),
      createHash(hash).update(content).digest(),
    ]);
    expect(verifyBytes(alice.certificate.publicKey, message, opened.evidence.innerSignature)).toBe(true);
    expect(
      verifyBytes(
        alice.certificate.publicKey,
        Buffer.concat([message, Buffer.of(0)]),
        opened.evidence.innerSignature,
      ),
    ).toBe(false);
  });

  it('verifies without decrypting, and inspects without verifying', async () => {
    const frame = await seal({ from: alice, to: bob.certificate, resource, stream, rows: sampleRows(3) });
    const verified = await verifyEnvelope(frame, { trust });
    expect(verified.sender.departmentCode).toBe(DEPT.alice);
    expect(verified.header.to[0]!.dept).toBe(DEPT.bob);
    const inspected = inspectEnvelope(frame);
    expect(inspected.header.id).toBe(verified.header.id);
    expect(inspected.bytes).toBe(frame.length);
    expect(inspected.segments).toBe(2);
  });

  it('gives every envelope a fresh id and content key', async () => {
    const a = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      rows: [{ a: 1 }],
      compression: 'none',
    });
    const b = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      rows: [{ a: 1 }],
      compression: 'none',
    });
    const [pa, pb] = [parseFrame(a), parseFrame(b)];
    expect(pa.header.id).not.toBe(pb.header.id);
    expect(pa.header.id).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(pa.segments[0]!.sealed).equals(Buffer.from(pb.segments[0]!.sealed))).toBe(false);
  });
});

describe('seal and open: large segments', () => {
  it('round-trips incompressible content in 4 MiB deflate segments (deflate grows it past 1 KiB of slack)', async () => {
    const { alice, bob, trust } = pkiFixture('ec-p256');
    const bytes = randomBytes(4 * 1024 * 1024 + 10);
    const frame = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      bytes,
      segmentSize: 4 * 1024 * 1024,
    });
    const [first] = parseFrame(frame).segments;
    expect(first!.sealed.length).toBeGreaterThan(4 * 1024 * 1024 + 1024 + 16);
    expect(Buffer.from((await open(frame, { me: bob, trust })).content).equals(bytes)).toBe(true);
  });
});

describe('seal refuses what it cannot protect', () => {
  it('refuses a key algorithm the suite does not have, in either direction', async () => {
    const rsa = pkiFixture('rsa');
    const sm2 = pkiFixture('sm2');
    await expectCode(
      seal({ from: rsa.alice, to: rsa.bob.certificate, suite: 'GM', resource, stream, rows: [] }),
      'FERRY_ENVELOPE_SUITE',
    );
    await expectCode(
      seal({ from: sm2.alice, to: sm2.bob.certificate, suite: 'INTL', resource, stream, rows: [] }),
      'FERRY_ENVELOPE_SUITE',
    );
    await expectCode(
      seal({ from: rsa.alice, to: sm2.bob.certificate, resource, stream, rows: [] }),
      'FERRY_ENVELOPE_SUITE',
    );
  });

  it('refuses bad arguments with FERRY_INVALID_ARGUMENT', async () => {
    const { alice, bob } = pkiFixture('ec-p256');
    const base = { from: alice, to: bob.certificate, resource, stream };
    await expectCode(seal({ ...base, to: [], rows: [] }), 'FERRY_INVALID_ARGUMENT');
    await expectCode(seal({ ...base, rows: [], segmentSize: 1023 }), 'FERRY_INVALID_ARGUMENT');
    await expectCode(seal({ ...base, stream: { epoch: 1.5, seq: 0 }, rows: [] }), 'FERRY_INVALID_ARGUMENT');
    await expectCode(seal({ ...base, rows: [1n] }), 'FERRY_INVALID_ARGUMENT');
    await expectCode(seal({ ...base } as never), 'FERRY_INVALID_ARGUMENT');
  });

  it('refuses, at seal time, a header that every receiver would refuse', async () => {
    const { alice, bob } = pkiFixture('ec-p256');
    const base = { from: alice, to: bob.certificate, resource, stream, rows: [] };
    const fields: [Partial<Parameters<typeof seal>[0]>, string][] = [
      [{ stream: { epoch: -1, seq: 0 } }, 'stream.epoch'],
      [{ stream: { epoch: 0, seq: -5 } }, 'stream.seq'],
      [{ resource: '' }, 'resource'],
      [{ resource: 'R'.repeat(129) }, 'resource'],
      [{ resource: undefined as never }, 'resource'],
      [{ contentType: '' }, 'content.type'],
      [{ id: 'NOT-HEX' }, 'id'],
      [{ issuedAt: new Date(-1) }, 'iat'],
      [{ issuedAt: new Date('not a date') }, 'iat'],
    ];
    for (const [change, field] of fields) {
      const err = await expectCode(
        seal({ ...base, ...change } as Parameters<typeof seal>[0]),
        'FERRY_INVALID_ARGUMENT',
      );
      expect(err.location?.field).toBe(field);
    }
  });
});
