// The exact bytes a request signature covers (docs/protocol/request-signing.md). Every field is on its own
// line and none may contain a line break, so no two different requests share a canonical form.
import { createHash } from 'node:crypto';

/** First line of every canonical request: names the scheme and keeps these signatures apart from others. */
export const REQUEST_CONTEXT = 'FERRY-REQUEST-V1';

/** The parts of a request that its signature covers. */
export interface CanonicalRequestParts {
  /** HTTP method; upper-cased here. */
  method: string;
  /** Request target as sent: path and query, percent-encoding untouched. */
  path: string;
  /** Signing time, ms since the Unix epoch, as decimal digits. */
  date: string;
  /** 32 lowercase hex characters. */
  nonce: string;
  /** The caller's department code. */
  dept: string;
  /** The body bytes (empty for GET). */
  body: Uint8Array;
}

/** Lowercase hex SHA-256 of the body. */
export function bodyDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The UTF-8 canonical string `FERRY-REQUEST-V1\n{METHOD}\n{path}\n{date}\n{nonce}\n{dept}\n{hex sha256(body)}`. */
export function canonicalRequest(parts: CanonicalRequestParts): Uint8Array {
  const text = [
    REQUEST_CONTEXT,
    parts.method.toUpperCase(),
    parts.path,
    parts.date,
    parts.nonce,
    parts.dept,
    bodyDigest(parts.body),
  ].join('\n');
  return Buffer.from(text, 'utf8');
}
