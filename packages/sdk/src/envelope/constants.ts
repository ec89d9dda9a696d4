/** Frame magic: ASCII `FERY`. */
export const MAGIC = Uint8Array.of(0x46, 0x45, 0x52, 0x59);
/** The only frame format version this code reads and writes. */
export const FORMAT_VERSION = 1;
/** Bytes before the header: magic(4) version(1) suite(1) flags(2) headerLength(4). */
export const PREFIX_LENGTH = 12;
/** Bytes before each segment's ciphertext: flag(1) length(4). */
export const SEGMENT_PREFIX_LENGTH = 5;
/** A header larger than this is refused before it is read. */
export const MAX_HEADER_LENGTH = 256 * 1024;
/**
 * Bounds of the uncompressed content carried per segment, and the default of a streaming seal. A buffered seal
 * defaults to one segment of up to MAX_BUFFERED_SEGMENT_SIZE (see `defaultSegmentSize` in prepare.ts).
 */
export const DEFAULT_SEGMENT_SIZE = 64 * 1024;
export const MAX_BUFFERED_SEGMENT_SIZE = 1024 * 1024;
export const MIN_SEGMENT_SIZE = 1024;
export const MAX_SEGMENT_SIZE = 16 * 1024 * 1024;
/**
 * Deflate grows incompressible input slightly: about 5 bytes per stored block, and zlib's default settings make a
 * block per 16 KiB (320 bytes per MiB). A sealed segment may therefore exceed its content size by 1/128 of the
 * segment size plus this much (plus the tag); see `maxSealedSegment`.
 */
export const COMPRESSION_SLACK = 1024;
/** Segment flags. */
export const SEGMENT_DATA = 0x00;
export const SEGMENT_FINAL = 0x01;
/** Domain separation for the two signatures. */
export const OUTER_CONTEXT = Buffer.from('FERRY-ENVELOPE-V1/OUTER\0', 'ascii');
export const INNER_CONTEXT = Buffer.from('FERRY-ENVELOPE-V1/INNER\0', 'ascii');
/** Default freshness window: envelopes wait in outboxes while the platform is down, so it is generous. */
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
