import { FerryError } from '../errors/index.js';
import { FrameWriter } from './frame-writer.js';
import { prepareSeal, type SealOptions } from './prepare.js';
import { encodeRows, NDJSON } from './rows.js';

export type { SealOptions } from './prepare.js';

/** Content of a buffered seal: JSON rows (sent as NDJSON) or raw bytes. */
export type SealContent = { rows: readonly unknown[]; bytes?: never } | { bytes: Uint8Array; rows?: never };

/**
 * Seals content into a signed, encrypted v1 envelope frame for one or more recipients.
 *
 * @example
 * ```ts
 * const frame = await seal({
 *   from: me,                       // Identity of the sending department
 *   to: [hubCert, healthDeptCert],  // recipients' encryption certificates
 *   resource: '371/000001',
 *   stream: { epoch: 1, seq: 42 },
 *   rows: [{ id: '1', name: '张三' }],
 * });
 * ```
 */
export async function seal(options: SealOptions & SealContent): Promise<Uint8Array> {
  let content: Uint8Array;
  let rows: number | null;
  let type: string;
  if (options.rows !== undefined) {
    content = encodeRows(options.rows);
    rows = options.rows.length;
    type = NDJSON;
  } else if (options.bytes instanceof Uint8Array) {
    content = options.bytes;
    rows = null;
    type = 'application/octet-stream';
  } else {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'seal needs `rows` (an array) or `bytes` (a Uint8Array)');
  }
  const { header, suite, contentKey } = prepareSeal(options, { type, rows, length: content.length });
  return new FrameWriter(header, suite, contentKey, options.from.privateKey, options.compressionLevel).whole(
    content,
  );
}
