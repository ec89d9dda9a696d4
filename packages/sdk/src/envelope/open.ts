import { createHash } from 'node:crypto';
import { FerryError } from '../errors/index.js';
import type { Identity } from '../pki/identity.js';
import { DEFAULT_MAX_AGE_MS } from './constants.js';
import type { EnvelopeHeader } from './header.js';
import { type ParsedFrame, parseFrame } from './parse-frame.js';
import { checkPolicy, type EnvelopeSender, type VerifyOptions } from './policy.js';
import { checkReplay, SegmentOpener, unwrapContentKey, verifyOuterSignature } from './receiver.js';
import type { ReplayGuard } from './replay.js';
import { decodeRows, NDJSON } from './rows.js';

const DEFAULT_MAX_FRAME = 256 * 1024 * 1024;

/** Options for {@link open}. */
export interface OpenOptions extends VerifyOptions {
  /** This receiver's identity; its encryption certificate must be among the recipients. */
  me: Identity;
  /** Refuses envelope ids seen before; remembers an id once its envelope opened completely. */
  replay?: ReplayGuard;
  /** Also return the content's segments as the sender compressed them ({@link OpenedEnvelope.compressedSegments}). */
  keepCompressed?: boolean;
}

/** One data segment of an envelope's content as its sender compressed it. */
export interface CompressedSegment {
  /** One raw deflate stream (RFC 1951), exactly as sent (decrypted). */
  deflated: Uint8Array;
  /** How many bytes of content it inflates to. */
  length: number;
}

/** A verified, decrypted envelope. */
export interface OpenedEnvelope {
  header: EnvelopeHeader;
  sender: EnvelopeSender;
  /** The decrypted, decompressed content. */
  content: Uint8Array;
  /** The rows, when the content type is NDJSON. */
  rows: unknown[] | undefined;
  /**
   * With `keepCompressed`, when the content was sent deflated: its data segments in order, still compressed.
   * Together they inflate to `content`; a store that keeps content compressed can keep them as they are
   * instead of compressing the content again.
   */
  compressedSegments?: CompressedSegment[];
  /** What proves the sender wrote this content: header bytes and the inner signature over content digest. */
  evidence: { headerBytes: Uint8Array; innerSignature: Uint8Array };
}

/** A verified envelope whose content was not decrypted. */
export interface VerifiedEnvelope {
  header: EnvelopeHeader;
  sender: EnvelopeSender;
}

function checkSize(frame: Uint8Array, max: number | undefined): void {
  if (!(frame instanceof Uint8Array))
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'The frame must be a Uint8Array');
  const limit = max ?? DEFAULT_MAX_FRAME;
  if (frame.length > limit) {
    throw new FerryError(
      'FERRY_ENVELOPE_TOO_LARGE',
      `The envelope is ${frame.length} bytes; the limit is ${limit}`,
    );
  }
}

/**
 * Verifies the sender's signature, certificate and the envelope's freshness without decrypting: what the
 * platform does for envelopes it relays but cannot read.
 *
 * @example
 * ```ts
 * const { header, sender } = await verifyEnvelope(frame, { trust });
 * console.log(`${sender.departmentCode} → ${header.to.map((r) => r.dept).join(', ')}`);
 * ```
 */
export async function verifyEnvelope(frame: Uint8Array, options: VerifyOptions): Promise<VerifiedEnvelope> {
  const { parsed, sender } = parseAndVerify(frame, options);
  return { header: parsed.header, sender };
}

function parseAndVerify(
  frame: Uint8Array,
  options: VerifyOptions,
): { parsed: ParsedFrame; sender: EnvelopeSender } {
  checkSize(frame, options.maxFrameBytes);
  const parsed = parseFrame(frame);
  const sender = checkPolicy(parsed.header, parsed.suite, options);
  const digest = createHash(parsed.suite.hash).update(parsed.signed).digest();
  verifyOuterSignature(parsed.suite, sender.certificate.publicKey, digest, parsed.signature);
  return { parsed, sender };
}

/**
 * Verifies and decrypts an envelope. Every check runs before any content is returned; a failure throws a
 * {@link FerryError} with its own code and nothing half-opened.
 *
 * @example
 * ```ts
 * const replay = new MemoryReplayGuard();
 * const { header, rows } = await open(frame, { me: healthDept, trust, replay });
 * ```
 */
export async function open(frame: Uint8Array, options: OpenOptions): Promise<OpenedEnvelope> {
  const { parsed, sender } = parseAndVerify(frame, options);
  const { header } = parsed;
  const contentKey = unwrapContentKey(parsed.suite, header, options.me);
  await checkReplay(options.replay, header.id);
  const opener = new SegmentOpener(parsed.suite, header, parsed.headerBytes, contentKey);
  const parts: Uint8Array[] = [];
  const compressed: CompressedSegment[] | undefined =
    options.keepCompressed && header.content.compression === 'deflate' ? [] : undefined;
  let innerSignature: Uint8Array | undefined;
  for (const segment of parsed.segments) {
    if (segment.final) {
      innerSignature = opener.final(segment.sealed, sender.certificate.publicKey);
      continue;
    }
    const opened = opener.dataSegment(segment.sealed);
    parts.push(opened.content);
    if (compressed && opened.compressed)
      compressed.push({ deflated: opened.compressed, length: opened.content.length });
  }
  // One data segment (the SDK's default for content up to 1 MiB) is returned as decrypted, without a copy.
  const content = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  const rows = header.content.type === NDJSON ? decodeRows(content) : undefined;
  if (rows && header.content.rows !== null && rows.length !== header.content.rows) {
    throw new FerryError(
      'FERRY_ENVELOPE_MALFORMED',
      `The header announces ${header.content.rows} rows; ${rows.length} arrived`,
    );
  }
  if (options.replay)
    await options.replay.remember(header.id, header.iat + (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS));
  return {
    header,
    sender,
    content,
    rows,
    ...(compressed ? { compressedSegments: compressed } : {}),
    evidence: { headerBytes: parsed.headerBytes, innerSignature: innerSignature! },
  };
}
