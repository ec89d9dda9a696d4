// The envelope header: what a relay may read without decrypting. Encoded as RFC 8785 canonical JSON and
// bound into every AEAD segment and both signatures, so no byte of it can change unnoticed.
import { z } from 'zod';
import { FerryError } from '../errors/index.js';
import { type CanonicalValue, canonicalJson } from './canonical-json.js';
import { FORMAT_VERSION, MAX_SEGMENT_SIZE, MIN_SEGMENT_SIZE } from './constants.js';

/** Cipher suites: `INTL` (AES-256-GCM, RSA/ECDH key wrap, RSA-PSS/ECDSA) and `GM` (SM4, SM3, SM2). */
export type SuiteName = 'INTL' | 'GM';

/** Key transport per recipient. */
export type KeyWrapAlgorithm = 'RSA-OAEP-256' | 'ECDH-ES+A256KW' | 'SM2-ENC';

/** Sender signature algorithm. */
export type SignatureAlgorithm = 'RSA-PSS-SHA256' | 'ECDSA-P256-SHA256' | 'SM2-SM3';

/** One recipient's copy of the content key. */
export interface RecipientEntry {
  /** Recipient department code (统一社会信用代码 / 部门代码). */
  dept: string;
  /** Lowercase hex SHA-256 fingerprint of the recipient's encryption certificate. */
  kid: string;
  alg: KeyWrapAlgorithm;
  /** ECDH-ES only: the ephemeral public point, base64url of the 65-byte uncompressed point. */
  epk?: string;
  /** The wrapped content key, base64url. */
  key: string;
}

/** The decoded envelope header (format v1). Field names are short because every envelope carries them. */
export interface EnvelopeHeader {
  v: 1;
  suite: SuiteName;
  /** Envelope id: 32 lowercase hex characters (128 random bits). Receivers refuse a repeated id. */
  id: string;
  /** Issued-at, milliseconds since the Unix epoch. */
  iat: number;
  from: {
    /** Sender department code; must equal the signing certificate's department code. */
    dept: string;
    /** Signing certificate chain, leaf first, base64 DER. */
    x5c: string[];
  };
  to: RecipientEntry[];
  /** Catalog resource code (信息资源代码) the content belongs to. */
  resource: string;
  /** Position in the sender's stream of this resource. */
  stream: { epoch: number; seq: number };
  content: {
    /** Media type of the content, e.g. `application/x-ndjson`. */
    type: string;
    compression: 'none' | 'deflate';
    /** Row count when the content is rows and the count is known; else null. */
    rows: number | null;
    /** Largest uncompressed content size of one segment. */
    segment: number;
  };
  sig: SignatureAlgorithm;
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url');
const nonNegative = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const headerSchema = z.strictObject({
  v: z.literal(FORMAT_VERSION),
  suite: z.enum(['INTL', 'GM']),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  iat: nonNegative,
  from: z.strictObject({
    dept: z.string().min(1).max(64),
    x5c: z
      .array(z.string().regex(/^[A-Za-z0-9+/]+=*$/))
      .min(1)
      .max(8),
  }),
  to: z
    .array(
      z.strictObject({
        dept: z.string().min(1).max(64),
        kid: z.string().regex(/^[0-9a-f]{64}$/),
        alg: z.enum(['RSA-OAEP-256', 'ECDH-ES+A256KW', 'SM2-ENC']),
        epk: base64url.optional(),
        key: base64url,
      }),
    )
    .min(1)
    .max(256),
  resource: z.string().min(1).max(128),
  stream: z.strictObject({ epoch: nonNegative, seq: nonNegative }),
  content: z.strictObject({
    type: z.string().min(1).max(128),
    compression: z.enum(['none', 'deflate']),
    rows: nonNegative.nullable(),
    segment: z.number().int().min(MIN_SEGMENT_SIZE).max(MAX_SEGMENT_SIZE),
  }),
  sig: z.enum(['RSA-PSS-SHA256', 'ECDSA-P256-SHA256', 'SM2-SM3']),
});

/**
 * Throws FERRY_INVALID_ARGUMENT, naming the field, when a header about to be sealed is one that receivers
 * would refuse as malformed (e.g. an empty resource code or a negative seq).
 */
export function assertSealableHeader(header: EnvelopeHeader): void {
  const result = headerSchema.safeParse(header);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue ? issue.path.join('.') : '';
    throw new FerryError('FERRY_INVALID_ARGUMENT', `The envelope header would not be valid at "${field}"`, {
      location: { field },
    });
  }
}

/** Canonical bytes of a header. */
export function encodeHeader(header: EnvelopeHeader): Uint8Array {
  return Buffer.from(canonicalJson(header as unknown as CanonicalValue), 'utf8');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and validates header bytes. Rejects anything that is not exactly the canonical encoding of a
 * valid header, so that two receivers can never read one header two ways.
 */
export function decodeHeader(bytes: Uint8Array, offset: number): EnvelopeHeader {
  let parsed: unknown;
  try {
    parsed = JSON.parse(UTF8.decode(bytes));
  } catch (cause) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'The envelope header is not valid UTF-8 JSON', {
      cause,
      location: { offset },
    });
  }
  if (parsed !== null && typeof parsed === 'object' && (parsed as { v?: unknown }).v !== FORMAT_VERSION) {
    throw new FerryError('FERRY_ENVELOPE_VERSION', `The envelope header declares an unsupported version`, {
      location: { offset },
    });
  }
  const result = headerSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue ? issue.path.join('.') : '';
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', `The envelope header is not valid at "${field}"`, {
      location: { offset, field },
    });
  }
  const header = result.data as EnvelopeHeader;
  const canonical = encodeHeader(header);
  if (Buffer.compare(canonical, bytes) !== 0) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'The envelope header is not in canonical form', {
      location: { offset },
    });
  }
  const kids = new Set(header.to.map((r) => r.kid));
  if (kids.size !== header.to.length) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'The envelope header names a recipient twice', {
      location: { offset, field: 'to' },
    });
  }
  return header;
}
