import type { EnvelopeHeader } from './header.js';
import { parseFrame } from './parse-frame.js';

/**
 * Reads an envelope's header WITHOUT verifying anything: for logs, routing and debugging only. Never act on
 * what it returns before {@link verifyEnvelope} or {@link open} has accepted the frame.
 */
export function inspectEnvelope(frame: Uint8Array): {
  header: EnvelopeHeader;
  segments: number;
  bytes: number;
} {
  const parsed = parseFrame(frame);
  return { header: parsed.header, segments: parsed.segments.length, bytes: frame.length };
}
