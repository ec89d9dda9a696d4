// Writes docs/protocol/test-vectors/envelope-v1.json: frames a second implementation of envelope format v1 checks
// itself against (see docs/protocol/envelope.md#test-vectors). Run from the repository root:
//
//   npx tsx packages/sdk/test/envelope/vectors.generate.ts
//
// Keys, certificates, wrapped keys and signatures are random, so every run writes different vectors; commit the
// file once and keep it. vectors.test.ts checks the committed file against this implementation.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameWriter } from '../../src/envelope/frame-writer.js';
import { encodeHeader, type SuiteName } from '../../src/envelope/header.js';
import { parseFrame } from '../../src/envelope/parse-frame.js';
import { prepareSeal } from '../../src/envelope/prepare.js';
import { encodeRows, NDJSON } from '../../src/envelope/rows.js';
import {
  createCertificateAuthority,
  generateKeyPair,
  type Identity,
  issueCertificate,
  type KeyAlgorithm,
} from '../../src/pki/index.js';

export const VECTORS_PATH = fileURLToPath(
  new URL('../../../../docs/protocol/test-vectors/envelope-v1.json', import.meta.url),
);

/** Certificates in the vectors are valid for a century from this instant, so the vectors keep working. */
const CERTIFICATES_FROM = new Date('2025-01-01T00:00:00Z');
const CERTIFICATES_UNTIL = new Date('2124-12-31T00:00:00Z');
const ISSUED_AT = new Date('2025-06-01T08:00:00Z');
const SEGMENT_SIZE = 1024;

export interface EnvelopeVector {
  name: string;
  description: string;
  suite: SuiteName;
  /** True when header and data segments are reproduced byte for byte; false when only opening is checked. */
  exact: boolean;
  ca: { certificate: string };
  sender: { departmentCode: string; certificate: string; privateKey: string };
  recipient: { departmentCode: string; certificate: string; privateKey: string };
  id: string;
  iat: number;
  resource: string;
  stream: { epoch: number; seq: number };
  contentType: string;
  rows: number;
  compression: 'none' | 'deflate';
  segmentSize: number;
  /** All hex below. */
  contentKey: string;
  content: string;
  header: string;
  headerDigest: string;
  /** The recipient's entry in `to`: its wrapped content key (base64url), randomised, fixed by the vector. */
  wrappedKey: string;
  /** Sealed bytes (ciphertext ‖ tag) of each data segment, in order. */
  segments: string[];
  /** Sealed final segment and its plaintext, the inner signature (randomised, fixed by the vector). */
  finalSegment: string;
  innerSignature: string;
  outerSignature: string;
  frame: string;
}

export interface VectorFile {
  about: string;
  generator: string;
  vectors: EnvelopeVector[];
}

/** NDJSON rows with Chinese text, a little over 2.5 KiB: two full 1 KiB segments and a partial third. */
function vectorRows() {
  return Array.from({ length: 24 }, (_, i) => ({
    序号: i + 1,
    统一社会信用代码: `91370100MA3C${String(1000 + i).padStart(6, '0')}`,
    名称: `济南市示例企业${i + 1}有限公司`,
    注册资本: `${(i + 1) * 125}.00`,
  }));
}

function department(
  algorithm: KeyAlgorithm,
  ca: { certificate: Identity['certificate']; privateKey: Identity['privateKey'] },
  departmentCode: string,
  name: string,
): Identity {
  const key = generateKeyPair(algorithm, { rsaBits: 2048 });
  const certificate = issueCertificate({
    issuer: ca,
    subject: { commonName: name, departmentCode, country: 'CN' },
    publicKey: key.publicKey,
    profile: 'department',
    notBefore: CERTIFICATES_FROM,
    notAfter: CERTIFICATES_UNTIL,
  });
  return { certificate, privateKey: key };
}

function vector(options: {
  name: string;
  description: string;
  algorithm: KeyAlgorithm;
  compression: 'none' | 'deflate';
  id: string;
}): EnvelopeVector {
  const { algorithm, compression } = options;
  const ca = createCertificateAuthority({
    subject: { commonName: `Ferry Test Vector Root CA (${algorithm})`, organization: 'Ferry', country: 'CN' },
    key: generateKeyPair(algorithm, { rsaBits: 2048 }),
    now: new Date(CERTIFICATES_FROM.getTime() + 10 * 60 * 1000),
    validityDays: 36_525,
  });
  const sender = department(algorithm, ca, '11370000MB0000101S', '山东省示例数据局');
  const recipient = department(algorithm, ca, '11370000MB0000202R', '山东省示例市场监管局');
  const rows = vectorRows();
  const content = Buffer.from(encodeRows(rows));
  const contentKey = createHash('sha256').update(`Ferry envelope v1 test vector ${options.name}`).digest();
  const { header, suite } = prepareSeal(
    {
      from: sender,
      to: recipient.certificate,
      resource: '371000000000/00042',
      stream: { epoch: 1, seq: 7 },
      compression,
      segmentSize: SEGMENT_SIZE,
      id: options.id,
      issuedAt: ISSUED_AT,
    },
    { type: NDJSON, rows: rows.length },
    contentKey,
  );
  const writer = new FrameWriter(header, suite, contentKey, sender.privateKey);
  const parts = [writer.start()];
  for (let at = 0; at < content.length; at += SEGMENT_SIZE) {
    parts.push(writer.segment(content.subarray(at, at + SEGMENT_SIZE)));
  }
  parts.push(writer.finish());
  const frame = Buffer.concat(parts);

  const parsed = parseFrame(frame);
  const headerBytes = Buffer.from(encodeHeader(header));
  const headerDigest = createHash(suite.hash).update(headerBytes).digest();
  const cipher = suite.contentCipher(contentKey, headerDigest);
  const data = parsed.segments.filter((s) => !s.final);
  const final = parsed.segments.find((s) => s.final)!;
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
  const pem = (identity: Identity) => ({
    departmentCode: identity.certificate.departmentCode!,
    certificate: identity.certificate.toPem(),
    privateKey: identity.privateKey.toPem(),
  });
  return {
    name: options.name,
    description: options.description,
    suite: suite.name,
    exact: compression === 'none',
    ca: { certificate: ca.certificate.toPem() },
    sender: pem(sender),
    recipient: pem(recipient),
    id: header.id,
    iat: header.iat,
    resource: header.resource,
    stream: header.stream,
    contentType: header.content.type,
    rows: rows.length,
    compression,
    segmentSize: SEGMENT_SIZE,
    contentKey: hex(contentKey),
    content: hex(content),
    header: hex(headerBytes),
    headerDigest: hex(headerDigest),
    wrappedKey: header.to[0]!.key,
    segments: data.map((s) => hex(s.sealed)),
    finalSegment: hex(final.sealed),
    innerSignature: hex(cipher.open(data.length, true, final.sealed)),
    outerSignature: hex(parsed.signature),
    frame: hex(frame),
  };
}

export function generateVectors(): VectorFile {
  return {
    about:
      'Ferry envelope format v1 test vectors (docs/protocol/envelope.md). All binary values are lowercase hex except ' +
      'wrappedKey (base64url, as in the header). Certificates are valid 2025-01-01 to 2124-12-31; open with now = iat. ' +
      'For exact vectors, header and every data segment are reproducible from contentKey and content; key transport ' +
      'and signatures are randomised, so check them by unwrapping and verifying.',
    generator: 'packages/sdk/test/envelope/vectors.generate.ts',
    vectors: [
      vector({
        name: 'INTL-RSA',
        description:
          'INTL suite, RSA-2048 sender and recipient: RSA-OAEP-256 key transport, RSA-PSS-SHA256 signatures',
        algorithm: 'rsa',
        compression: 'none',
        id: '0f4e5a2b9c8d7e6f1a2b3c4d5e6f7081',
      }),
      vector({
        name: 'INTL-EC',
        description:
          'INTL suite, EC P-256 sender and recipient: ECDH-ES+A256KW key transport, ECDSA-P256-SHA256 signatures',
        algorithm: 'ec-p256',
        compression: 'none',
        id: '1f4e5a2b9c8d7e6f1a2b3c4d5e6f7082',
      }),
      vector({
        name: 'GM',
        description:
          'GM suite, SM2 sender and recipient: SM4-CTR + HMAC-SM3 content, SM2-ENC key transport, SM2-SM3 signatures',
        algorithm: 'sm2',
        compression: 'none',
        id: '2f4e5a2b9c8d7e6f1a2b3c4d5e6f7083',
      }),
      vector({
        name: 'GM-deflate',
        description:
          'GM suite with deflate: DEFLATE output may differ between zlib versions, so this vector is checked by opening only',
        algorithm: 'sm2',
        compression: 'deflate',
        id: '3f4e5a2b9c8d7e6f1a2b3c4d5e6f7084',
      }),
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = generateVectors();
  mkdirSync(dirname(VECTORS_PATH), { recursive: true });
  writeFileSync(VECTORS_PATH, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`wrote ${file.vectors.length} vectors to ${VECTORS_PATH}`);
}
