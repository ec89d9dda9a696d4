export type {
  EnvelopeHeader,
  KeyWrapAlgorithm,
  RecipientEntry,
  SignatureAlgorithm,
  SuiteName,
} from './header.js';
export { inspectEnvelope } from './inspect.js';
export {
  type CompressedSegment,
  type OpenedEnvelope,
  type OpenOptions,
  open,
  type VerifiedEnvelope,
  verifyEnvelope,
} from './open.js';
export { type OpenedStream, openStream } from './open-stream.js';
export type { EnvelopeSender, VerifyOptions } from './policy.js';
export { MemoryReplayGuard, type ReplayGuard } from './replay.js';
export { NDJSON } from './rows.js';
export { type SealContent, type SealOptions, seal } from './seal.js';
export { type SealStreamOptions, sealStream } from './seal-stream.js';
