import type { Identity } from '../pki/identity.js';
import { signRequest } from './sign-request.js';

/**
 * A request signer in the shape the SDK's HTTP clients take (`CatalogClient`'s `signRequest` option): it
 * receives the exact method, path and body of each attempt and returns headers to add.
 */
export type RequestSignerFunction = (request: {
  method: string;
  path: string;
  body: Uint8Array;
}) => Record<string, string>;

/**
 * Returns a function that signs every request as `identity` with {@link signRequest}; each call uses a fresh
 * date and nonce, so a retried request is signed again rather than replayed.
 *
 * @example
 * ```ts
 * const client = new CatalogClient({ baseUrl: 'https://hub.example.gov.cn', signRequest: requestSigner(me) });
 * await client.submit(entry);
 * ```
 */
export function requestSigner(identity: Identity): RequestSignerFunction {
  return ({ method, path, body }) => signRequest(identity, { method, path, body });
}
