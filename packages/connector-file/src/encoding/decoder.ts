import { FerryError } from '@ferry/sdk/errors';

/** Encodings the file connector reads. `auto` decides on the first non-ASCII bytes (see detect.ts). */
export type FileEncoding = 'utf-8' | 'gbk' | 'gb18030';

/**
 * Turns the bytes of a file, chunk by chunk, into text of whole characters. Every decoder validates
 * as it goes and throws `FERRY_FILE_DECODE` with the byte offset of the first bad sequence, so a file that
 * does not decode is never half-read.
 */
export interface ByteDecoder {
  /** Decodes the next chunk; the result holds whole characters only (a split one waits for the next chunk). */
  write(chunk: Buffer): string;
  /** Ends the input; throws if a character was left incomplete. */
  end(): string;
  /** The encoding in use, once known. */
  readonly encoding: FileEncoding | undefined;
}

export function decodeError(
  file: string,
  encoding: string,
  offset: number,
  bytes: Uint8Array,
  why?: string,
): FerryError {
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new FerryError(
    'FERRY_FILE_DECODE',
    `${file}: not valid ${encoding} at byte offset ${offset}${hex ? ` (bytes ${hex})` : ''}${why ? `: ${why}` : ''}`,
    { location: { file, offset }, details: { encoding } },
  );
}
