// Frame surgery for the envelope tests: find the parts of a frame without validating it, assert rejections,
// and write frames by hand (correctly signed) that the SDK's own writer would never produce.
import { createHash } from 'node:crypto';
import {
  FORMAT_VERSION,
  INNER_CONTEXT,
  MAGIC,
  OUTER_CONTEXT,
  PREFIX_LENGTH,
  SEGMENT_DATA,
  SEGMENT_FINAL,
  SEGMENT_PREFIX_LENGTH,
} from '../../src/envelope/constants.js';
import type { Suite } from '../../src/envelope/suites/index.js';
import { FerryError, type FerryErrorCode } from '../../src/errors/index.js';
import { type PrivateKey, signBytes } from '../../src/pki/index.js';

export interface SegmentLayout {
  /** Offset of the segment's flag byte. */
  offset: number;
  final: boolean;
  /** Offset and end of the sealed bytes. */
  start: number;
  end: number;
}

/** Where the parts of a well-formed frame are. Trusts every length: use it on frames the SDK wrote. */
export interface FrameLayout {
  headerStart: number;
  headerEnd: number;
  segments: SegmentLayout[];
  /** Offset of the u16 signature length. */
  signatureLengthOffset: number;
  signatureStart: number;
  end: number;
}

export function layout(frame: Uint8Array): FrameLayout {
  const view = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerEnd = PREFIX_LENGTH + view.readUInt32BE(8);
  const segments: SegmentLayout[] = [];
  let at = headerEnd;
  for (;;) {
    const final = view[at] === SEGMENT_FINAL;
    const length = view.readUInt32BE(at + 1);
    const start = at + SEGMENT_PREFIX_LENGTH;
    segments.push({ offset: at, final, start, end: start + length });
    at = start + length;
    if (final) break;
  }
  return {
    headerStart: PREFIX_LENGTH,
    headerEnd,
    segments,
    signatureLengthOffset: at,
    signatureStart: at + 2,
    end: at + 2 + view.readUInt16BE(at),
  };
}

/** Which part of a frame an offset falls in, for grouping what a mutation there is rejected with. */
export function regionOf(frame: FrameLayout, offset: number): string {
  if (offset < 4) return 'magic';
  if (offset < PREFIX_LENGTH) return 'prefix';
  if (offset < frame.headerEnd) return 'header';
  for (const s of frame.segments) {
    if (offset < s.start) return 'segment-prefix';
    if (offset < s.end) return s.final ? 'final-segment' : 'data-segment';
  }
  if (offset < frame.signatureStart) return 'signature-length';
  return 'signature';
}

/** The header bytes of a frame. */
export function headerBytesOf(frame: Uint8Array): Buffer {
  const l = layout(frame);
  return Buffer.from(frame.subarray(l.headerStart, l.headerEnd));
}

/** The frame with its header replaced by `header` and the length field fixed up (signatures left as they were). */
export function replaceHeader(frame: Uint8Array, header: Uint8Array): Buffer {
  const l = layout(frame);
  const prefix = Buffer.from(frame.subarray(0, PREFIX_LENGTH));
  prefix.writeUInt32BE(header.length, 8);
  return Buffer.concat([prefix, header, frame.subarray(l.headerEnd)]);
}

/** A copy of `frame` with `mutate` applied to it. */
export function edited(frame: Uint8Array, mutate: (bytes: Buffer) => void): Buffer {
  const copy = Buffer.from(frame);
  mutate(copy);
  return copy;
}

/**
 * Awaits `action` and returns the FerryError it rejected with. Fails the test when it resolves (nothing may be
 * returned from a rejected envelope) or throws anything that is not a FerryError.
 */
export async function rejection(action: Promise<unknown> | (() => Promise<unknown>)): Promise<FerryError> {
  let result: unknown;
  try {
    result = await (typeof action === 'function' ? action() : action);
  } catch (err) {
    if (!(err instanceof FerryError) || typeof err.code !== 'string') {
      throw new Error(`expected a FerryError, got: ${String(err)}`, { cause: err });
    }
    return err;
  }
  throw new Error(`expected a rejection, but it resolved with ${typeof result}`);
}

/** Asserts that `action` rejects with a FerryError of exactly `code`. */
export async function expectCode(action: Promise<unknown> | (() => Promise<unknown>), code: FerryErrorCode) {
  const err = await rejection(action);
  if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`, { cause: err });
  return err;
}

/** Reads every chunk of an async iterable into one buffer. */
export async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Splits bytes into chunks whose sizes cycle through `sizes`. */
export function* chunked(bytes: Uint8Array, sizes: readonly number[]): Generator<Uint8Array> {
  let i = 0;
  for (let at = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

export interface HandWrittenFrame {
  suite: Suite;
  /** Header bytes exactly as they go on the wire (canonical or not). */
  headerBytes: Uint8Array;
  contentKey: Uint8Array;
  signer: PrivateKey;
  /** Plaintexts of the data segments, exactly as encrypted (already compressed when the header says so). */
  segments: Uint8Array[];
  /** The content the inner signature covers. Default: the concatenated segment plaintexts. */
  content?: Uint8Array;
  /** Replaces the inner signature (the final segment's plaintext). */
  innerSignature?: Uint8Array;
}

/**
 * Writes a frame by hand from the suite's primitives: correctly encrypted and signed by `signer`, but with
 * whatever header and segments the test chooses. Independent of FrameWriter, so it can break its rules.
 */
export function writeFrame(spec: HandWrittenFrame): Buffer {
  const { suite, headerBytes } = spec;
  const headerDigest = createHash(suite.hash).update(headerBytes).digest();
  const cipher = suite.contentCipher(spec.contentKey, headerDigest);
  const prefix = Buffer.alloc(PREFIX_LENGTH);
  prefix.set(MAGIC, 0);
  prefix[4] = FORMAT_VERSION;
  prefix[5] = suite.frameId;
  prefix.writeUInt32BE(headerBytes.length, 8);
  const parts: Buffer[] = [prefix, Buffer.from(headerBytes)];
  const segment = (index: number, flag: number, plain: Uint8Array) => {
    const sealed = cipher.seal(index, flag === SEGMENT_FINAL, plain);
    const head = Buffer.alloc(SEGMENT_PREFIX_LENGTH);
    head[0] = flag;
    head.writeUInt32BE(sealed.length, 1);
    parts.push(head, Buffer.from(sealed));
  };
  for (const [i, plain] of spec.segments.entries()) segment(i, SEGMENT_DATA, plain);
  const content = spec.content ?? Buffer.concat(spec.segments);
  const inner =
    spec.innerSignature ??
    signBytes(
      spec.signer,
      Buffer.concat([INNER_CONTEXT, headerDigest, createHash(suite.hash).update(content).digest()]),
    );
  segment(spec.segments.length, SEGMENT_FINAL, inner);
  const transcript = createHash(suite.hash).update(Buffer.concat(parts)).digest();
  const outer = signBytes(spec.signer, Buffer.concat([OUTER_CONTEXT, transcript]));
  const length = Buffer.alloc(2);
  length.writeUInt16BE(outer.length, 0);
  return Buffer.concat([...parts, length, outer]);
}
