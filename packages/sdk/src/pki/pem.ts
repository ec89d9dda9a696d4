import { FerryError } from '../errors/index.js';

/** Key or certificate material: PEM text, or DER / PEM bytes. */
export type PemInput = string | Uint8Array;

/** Encodes DER as PEM with the given label (64-column base64). */
export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** All PEM blocks in a text, in order, with their labels. */
export function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({
      label: m[1]!,
      der: new Uint8Array(Buffer.from(m[2]!.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')),
    });
  }
  return out;
}

/**
 * Returns the DER of the first PEM block with one of `labels`, or the input itself when it is already DER bytes.
 */
export function pemToDer(input: PemInput, labels: string[]): Uint8Array {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (!text.includes('-----BEGIN')) {
    if (typeof input === 'string') {
      throw new FerryError('FERRY_INVALID_ARGUMENT', `Expected PEM (${labels.join(' or ')}) or DER bytes`);
    }
    return input;
  }
  const block = pemBlocks(text).find((b) => labels.includes(b.label));
  if (!block)
    throw new FerryError('FERRY_INVALID_ARGUMENT', `No PEM block labelled ${labels.join(' or ')} was found`);
  return block.der;
}
