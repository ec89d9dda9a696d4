/**
 * Every stable error code Ferry raises. Callers branch on these; they never change meaning once released.
 * Grouped by the capability that raises them.
 */
export const FerryErrorCodes = {
  // Configuration and input at the edge
  FERRY_INVALID_ARGUMENT: 'An argument passed to a Ferry API is not valid',
  FERRY_CONFIG_INVALID: 'A configuration file or object is not valid',

  // PKI
  FERRY_KEY_INVALID: 'A key could not be parsed or is of an unsupported kind',
  FERRY_KEY_PASSPHRASE: 'A key or PKCS#12 file could not be decrypted with the passphrase given',
  FERRY_CERT_INVALID: 'A certificate or CSR could not be parsed',
  FERRY_CERT_UNTRUSTED: 'A certificate does not chain to a trusted platform CA',
  FERRY_CERT_EXPIRED: 'A certificate is past its validity period',
  FERRY_CERT_NOT_YET_VALID: 'A certificate is not yet valid',
  FERRY_CERT_USAGE: 'A certificate is not allowed for this use (key usage, extended key usage or CA flag)',
  FERRY_CERT_SUBJECT: 'A certificate subject does not carry the expected department code',
  FERRY_CERT_SIGNATURE: 'A certificate signature does not verify',

  // Envelope
  FERRY_ENVELOPE_MALFORMED: 'An envelope frame is not well formed (bad magic, lengths or header encoding)',
  FERRY_ENVELOPE_TRUNCATED: 'An envelope frame ends before its declared content',
  FERRY_ENVELOPE_TRAILING_DATA: 'An envelope frame has bytes after its end',
  FERRY_ENVELOPE_VERSION: 'An envelope uses a format version this receiver does not support',
  FERRY_ENVELOPE_SUITE: 'An envelope uses a cipher suite this receiver does not support or does not allow',
  FERRY_ENVELOPE_DOWNGRADE: 'An envelope uses a weaker suite than the receiver requires for this sender',
  FERRY_ENVELOPE_NOT_RECIPIENT: 'The envelope is not addressed to this receiver',
  FERRY_ENVELOPE_SIGNATURE: 'The sender signature over the envelope does not verify',
  FERRY_ENVELOPE_TAMPERED: 'The envelope content failed authentication (modified, truncated or wrong key)',
  FERRY_ENVELOPE_SENDER: 'The envelope sender does not match the signing certificate',
  FERRY_ENVELOPE_STALE: 'The envelope timestamp is outside the freshness window',
  FERRY_REPLAY: 'The envelope id was already seen within the replay window',
  FERRY_ENVELOPE_TOO_LARGE: 'The envelope exceeds the configured size limit',

  // Catalog
  FERRY_CATALOG_INVALID: 'A catalog entry does not satisfy the catalog rules',
  FERRY_CATALOG_TRANSITION: 'A catalog lifecycle transition is not allowed from the current state',

  // Connectors
  FERRY_CURSOR_INVALID: 'A connector cursor does not decode, or belongs to another table or capture strategy',
  FERRY_CURSOR_EXPIRED:
    'A connector cursor can no longer be served (change log purged past it, state lost, table truncated)',
  FERRY_SOURCE_UNAVAILABLE: 'A source database or driver could not be reached or loaded',
  FERRY_PREFLIGHT_FAILED:
    'A connector check found a problem that would stop capture or delivery (each one is listed with what to do)',

  // Transport
  FERRY_HTTP_REJECTED: 'The platform rejected a request permanently (do not retry)',
  FERRY_HTTP_TRANSIENT: 'The platform could not be reached or answered with a transient failure',

  // Outbox and delivery
  FERRY_OUTBOX_FULL:
    'The outbox reached its disk limit and the producer waited too long for delivery to free space',
  FERRY_OUTBOX_CORRUPT:
    'An outbox file is damaged (checksum or header); it was left in place for an operator',
  FERRY_OUTBOX_LOCKED: 'Another live process owns this outbox directory',
  FERRY_OUTBOX_CLOSED: 'The outbox was closed',
  FERRY_DELIVERY_STOPPED: 'Delivery of a stream stopped on a permanent rejection; an operator must act',

  // Anything unexpected on the platform side; the log has the details.
  FERRY_INTERNAL: 'An unexpected failure; it was logged with the request id',

  // Hub: callers, streams, sharing
  FERRY_AUTH_REQUIRED: 'The request carries no Ferry request signature',
  FERRY_AUTH_INVALID: 'The request signature, its certificate, date or nonce is not acceptable',
  FERRY_FORBIDDEN: 'The authenticated department may not perform this action',
  FERRY_NOT_FOUND: 'The requested object does not exist',
  FERRY_CONFLICT:
    'The request conflicts with the current state (e.g. same code and version, different content)',
  FERRY_SEQUENCE_GAP: 'An envelope arrived ahead of a missing sequence number of its stream',
  FERRY_STREAM_EPOCH: 'An envelope belongs to an epoch older than the stream is at',
  FERRY_SHARE_DENIED:
    'The resource is not shared with this department (不予共享, or 有条件共享 without an approved application)',
  FERRY_RATE_LIMITED: 'Too many requests; retry after the indicated time',
  FERRY_REQUEST_TOO_LARGE: 'The request body exceeds the configured limit',
  FERRY_RECEIPT_INVALID: 'A receipt signature or content does not verify',

  // File connector
  FERRY_FILE_DECODE:
    'A file is not valid in its encoding (the location gives the byte offset of the first bad byte)',
  FERRY_FILE_MALFORMED:
    'A file is not readable in its format (broken workbook or JSON, header lacks a configured column)',
  FERRY_FILE_ROW_INVALID:
    'A row of a file is not valid (column count, a value of the wrong type, a missing or duplicate key)',
  FERRY_FILE_STATE: 'The diff state or journal of a file resource is unreadable or inconsistent',
} as const;

/** A stable Ferry error code. */
export type FerryErrorCode = keyof typeof FerryErrorCodes;
