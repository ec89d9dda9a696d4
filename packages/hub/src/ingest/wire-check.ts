// Checks rows in their wire form (docs/protocol/changes.md) without decoding them: the hub stores rows as they
// were sent and needs only the certainty that a consumer will be able to decode them. The SDK's
// `wireValueProblem` judges each value exactly as its `decodeValue` would.
import { wireValueProblem } from '@ferry/sdk';

/** Why a wire record (a row object) cannot be decoded, or undefined when it can. */
export function recordProblem(record: unknown): string | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    return 'a record must be an object';
  for (const k in record) {
    const problem = wireValueProblem((record as Record<string, unknown>)[k]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
