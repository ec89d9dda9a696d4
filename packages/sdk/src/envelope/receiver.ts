// Decryption-side steps shared by the buffered and the streaming open.
import { createHash } from 'node:crypto';
import { inflateRawSync, type ZlibOptions } from 'node:zlib';
import { FerryError } from '../errors/index.js';
import type { Identity } from '../pki/identity.js';
import type { PublicKey } from '../pki/keys.js';
import { verifyBytes } from '../pki/signature.js';
import { INNER_CONTEXT, OUTER_CONTEXT } from './constants.js';
import type { EnvelopeHeader, RecipientEntry } from './header.js';
import type { ReplayGuard } from './replay.js';
import type { ContentCipher, Suite } from './suites/index.js';

/** A tampering failure. The message is deliberately the same for every stage; `stage` is for operators. */
export function tampered(
  stage: 'signature' | 'key' | 'segment' | 'inner-signature',
  cause?: unknown,
): FerryError {
  return new FerryError('FERRY_ENVELOPE_TAMPERED', 'The envelope failed authentication', {
    ...(cause === undefined ? {} : { cause }),
    details: { stage },
  });
}

export function findRecipient(
  header: EnvelopeHeader,
  me: Identity,
): { entry: RecipientEntry; identity: Identity['certificate'] } {
  const mine = me.encryption ?? { certificate: me.certificate, privateKey: me.privateKey };
  const entry = header.to.find((r) => r.kid === mine.certificate.fingerprint);
  if (!entry) {
    throw new FerryError('FERRY_ENVELOPE_NOT_RECIPIENT', 'This envelope is not addressed to this receiver', {
      details: { recipients: header.to.map((r) => r.dept) },
    });
  }
  return { entry, identity: mine.certificate };
}

export function unwrapContentKey(suite: Suite, header: EnvelopeHeader, me: Identity): Uint8Array {
  const { entry } = findRecipient(header, me);
  const key = me.encryption?.privateKey ?? me.privateKey;
  try {
    return suite.unwrapKey(entry, key);
  } catch (cause) {
    throw tampered('key', cause);
  }
}

export async function checkReplay(replay: ReplayGuard | undefined, id: string): Promise<void> {
  if (replay && (await replay.has(id))) {
    throw new FerryError('FERRY_REPLAY', `Envelope ${id} was already received`, { details: { id } });
  }
}

export function verifyOuterSignature(
  suite: Suite,
  signer: PublicKey,
  transcriptDigest: Uint8Array,
  signature: Uint8Array,
) {
  if (!verifyBytes(signer, Buffer.concat([OUTER_CONTEXT, transcriptDigest]), signature))
    throw tampered('signature');
}

/** What zlib's synchronous calls return with `info: true`: the output and the engine, which counted its input. */
interface InflatedWithInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/** Decrypts, decompresses and hashes segments in order; checks the inner signature at the end. */
export class SegmentOpener {
  private index = 0;
  private readonly contentHash;
  private readonly headerDigest: Buffer;
  private readonly cipher: ContentCipher;

  constructor(
    private readonly suite: Suite,
    private readonly header: EnvelopeHeader,
    headerBytes: Uint8Array,
    contentKey: Uint8Array,
  ) {
    this.headerDigest = createHash(suite.hash).update(headerBytes).digest();
    this.contentHash = createHash(suite.hash);
    this.cipher = suite.contentCipher(contentKey, this.headerDigest);
  }

  /** Returns the content of a data segment. */
  data(sealed: Uint8Array): Uint8Array {
    return this.dataSegment(sealed).content;
  }

  /**
   * Returns the content of a data segment and, when the header says deflate, the segment's compressed bytes
   * as the sender wrote them (exactly one raw deflate stream: bytes after its end are refused).
   */
  dataSegment(sealed: Uint8Array): { content: Uint8Array; compressed: Uint8Array | undefined } {
    let plain: Uint8Array;
    try {
      plain = this.cipher.open(this.index++, false, sealed);
    } catch (cause) {
      throw tampered('segment', cause);
    }
    let content: Uint8Array = plain;
    let compressed: Uint8Array | undefined;
    if (this.header.content.compression === 'deflate') {
      let consumed: number;
      try {
        // The bound stops a decompression bomb: no segment may inflate past its declared size. chunkSize of one
        // segment: with the default 16 KiB chunks, a maxOutputLength inflate runs about 20× slower on Node 20.
        const segment = this.header.content.segment;
        const inflated = inflateRawSync(plain, {
          maxOutputLength: segment,
          chunkSize: segment,
          info: true,
        } as ZlibOptions) as unknown as InflatedWithInfo;
        content = inflated.buffer;
        consumed = inflated.engine.bytesWritten;
      } catch (cause) {
        throw new FerryError(
          'FERRY_ENVELOPE_MALFORMED',
          'A segment does not decompress within its declared size',
          {
            cause,
          },
        );
      }
      // zlib stops at the end of the deflate stream and would ignore what follows it.
      if (consumed !== plain.length) {
        throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'A segment has bytes after its compressed data');
      }
      compressed = plain;
    }
    if (content.length === 0 || content.length > this.header.content.segment) {
      throw new FerryError(
        'FERRY_ENVELOPE_MALFORMED',
        'A segment holds more or less content than the header allows',
      );
    }
    this.contentHash.update(content);
    return { content, compressed };
  }

  /** Opens the final segment and checks the inner (content) signature. Returns it, for evidence. */
  final(sealed: Uint8Array, signer: PublicKey): Uint8Array {
    let innerSignature: Uint8Array;
    try {
      innerSignature = this.cipher.open(this.index++, true, sealed);
    } catch (cause) {
      throw tampered('segment', cause);
    }
    const message = Buffer.concat([INNER_CONTEXT, this.headerDigest, this.contentHash.digest()]);
    if (!verifyBytes(signer, message, innerSignature)) throw tampered('inner-signature');
    return innerSignature;
  }
}
