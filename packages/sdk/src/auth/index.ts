export {
  bodyDigest,
  type CanonicalRequestParts,
  canonicalRequest,
  REQUEST_CONTEXT,
} from './canonical-request.js';
export {
  CERT_HEADER,
  DATE_HEADER,
  DEPT_HEADER,
  NONCE_HEADER,
  REQUEST_SIGNING_HEADERS,
  SIGNATURE_HEADER,
  type SignedRequestHeaders,
} from './headers.js';
export { MemoryNonceStore, type NonceStore } from './nonce-store.js';
export { type RequestSignerFunction, requestSigner } from './request-signer.js';
export { type RequestToSign, signRequest } from './sign-request.js';
export {
  type AuthenticatedCaller,
  type ReceivedRequest,
  type VerifyRequestOptions,
  verifyRequestSignature,
} from './verify-request.js';
