// Splits a buffered frame into its parts, checking every length before it is trusted.
import { FerryError } from '../errors/index.js';
import {
  COMPRESSION_SLACK,
  FORMAT_VERSION,
  MAGIC,
  MAX_HEADER_LENGTH,
  PREFIX_LENGTH,
  SEGMENT_DATA,
  SEGMENT_FINAL,
  SEGMENT_PREFIX_LENGTH,
} from './constants.js';
import { decodeHeader, type EnvelopeHeader } from './header.js';
import { type Suite, suiteByFrameId } from './suites/index.js';

export interface ParsedPrefix {
  suite: Suite;
  headerLength: number;
}

/** Checks the 12-byte prefix. `available` is how many frame bytes exist in total (or Infinity). */
export function parsePrefix(prefix: Uint8Array): ParsedPrefix {
  if (prefix.length < PREFIX_LENGTH) {
    throw new FerryError('FERRY_ENVELOPE_TRUNCATED', 'The frame is shorter than its fixed prefix', {
      location: { offset: prefix.length },
    });
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (prefix[i] !== MAGIC[i]) {
      throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'Not a Ferry envelope (bad magic)', {
        location: { offset: i },
      });
    }
  }
  if (prefix[4] !== FORMAT_VERSION) {
    throw new FerryError('FERRY_ENVELOPE_VERSION', `Unsupported envelope format version ${prefix[4]}`, {
      location: { offset: 4 },
    });
  }
  const suite = suiteByFrameId(prefix[5]!, 5);
  const view = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (view.readUInt16BE(6) !== 0) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'Reserved frame flags are set', {
      location: { offset: 6 },
    });
  }
  const headerLength = view.readUInt32BE(8);
  if (headerLength === 0 || headerLength > MAX_HEADER_LENGTH) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', `Header length ${headerLength} is out of bounds`, {
      location: { offset: 8 },
    });
  }
  return { suite, headerLength };
}

/** The largest sealed segment a header allows. */
export function maxSealedSegment(header: EnvelopeHeader, suite: Suite): number {
  const { segment } = header.content;
  return segment + Math.floor(segment / 128) + COMPRESSION_SLACK + suite.tagLength;
}

/** Checks a segment's 5-byte prefix; returns flag and sealed length. */
export function parseSegmentPrefix(bytes: Uint8Array, offset: number, limit: number, tagLength: number) {
  const flag = bytes[0]!;
  if (flag !== SEGMENT_DATA && flag !== SEGMENT_FINAL) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', `Unknown segment flag ${flag}`, {
      location: { offset },
    });
  }
  const length = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32BE(1);
  if (length < tagLength || length > limit) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', `Segment length ${length} is out of bounds`, {
      location: { offset: offset + 1 },
    });
  }
  return { final: flag === SEGMENT_FINAL, length };
}

export interface ParsedFrame {
  suite: Suite;
  header: EnvelopeHeader;
  headerBytes: Uint8Array;
  segments: { final: boolean; sealed: Uint8Array; offset: number }[];
  /** Bytes covered by the outer signature. */
  signed: Uint8Array;
  signature: Uint8Array;
}

export function parseFrame(frame: Uint8Array): ParsedFrame {
  const { suite, headerLength } = parsePrefix(frame);
  const headerEnd = PREFIX_LENGTH + headerLength;
  if (headerEnd > frame.length) {
    throw new FerryError('FERRY_ENVELOPE_TRUNCATED', 'The header claims more bytes than the frame holds', {
      location: { offset: 8 },
    });
  }
  const headerBytes = frame.subarray(PREFIX_LENGTH, headerEnd);
  const header = decodeHeader(headerBytes, PREFIX_LENGTH);
  const limit = maxSealedSegment(header, suite);
  const segments: ParsedFrame['segments'] = [];
  let at = headerEnd;
  for (;;) {
    if (at + SEGMENT_PREFIX_LENGTH > frame.length) {
      throw new FerryError('FERRY_ENVELOPE_TRUNCATED', 'The frame ends before its final segment', {
        location: { offset: frame.length },
      });
    }
    const { final, length } = parseSegmentPrefix(
      frame.subarray(at, at + SEGMENT_PREFIX_LENGTH),
      at,
      limit,
      suite.tagLength,
    );
    const start = at + SEGMENT_PREFIX_LENGTH;
    if (start + length > frame.length) {
      throw new FerryError('FERRY_ENVELOPE_TRUNCATED', 'A segment claims more bytes than the frame holds', {
        location: { offset: at + 1 },
      });
    }
    segments.push({ final, sealed: frame.subarray(start, start + length), offset: at });
    at = start + length;
    if (final) break;
  }
  const signed = frame.subarray(0, at);
  if (at + 2 > frame.length) {
    throw new FerryError('FERRY_ENVELOPE_TRUNCATED', 'The frame ends before its signature', {
      location: { offset: at },
    });
  }
  const sigLength = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).readUInt16BE(at);
  const sigEnd = at + 2 + sigLength;
  if (sigLength === 0 || sigEnd > frame.length) {
    throw new FerryError('FERRY_ENVELOPE_TRUNCATED', 'The signature claims more bytes than the frame holds', {
      location: { offset: at },
    });
  }
  if (sigEnd < frame.length) {
    throw new FerryError(
      'FERRY_ENVELOPE_TRAILING_DATA',
      `${frame.length - sigEnd} bytes follow the end of the envelope`,
      {
        location: { offset: sigEnd },
      },
    );
  }
  return { suite, header, headerBytes, segments, signed, signature: frame.subarray(at + 2, sigEnd) };
}
