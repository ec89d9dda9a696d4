/** Header carrying the caller's department code (统一社会信用代码 or 部门代码). */
export const DEPT_HEADER = 'x-ferry-dept';
/** Header carrying the lowercase hex SHA-256 fingerprint of the signing certificate. */
export const CERT_HEADER = 'x-ferry-cert';
/** Header carrying the signing time, milliseconds since the Unix epoch, as decimal digits. */
export const DATE_HEADER = 'x-ferry-date';
/** Header carrying 16 random bytes as 32 lowercase hex characters, never reused. */
export const NONCE_HEADER = 'x-ferry-nonce';
/** Header carrying the base64 signature over the canonical request. */
export const SIGNATURE_HEADER = 'x-ferry-signature';

/** Every request-signing header, in the order the specification lists them. */
export const REQUEST_SIGNING_HEADERS = [
  DEPT_HEADER,
  CERT_HEADER,
  DATE_HEADER,
  NONCE_HEADER,
  SIGNATURE_HEADER,
] as const;

/** The headers {@link signRequest} produces; add them to the HTTP request unchanged. */
export interface SignedRequestHeaders {
  'x-ferry-dept': string;
  'x-ferry-cert': string;
  'x-ferry-date': string;
  'x-ferry-nonce': string;
  'x-ferry-signature': string;
  [header: string]: string;
}
