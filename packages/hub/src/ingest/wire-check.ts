// Checks row values in their wire form (docs/protocol/changes.md) without decoding the row: the hub stores rows
// as they were sent and needs only the certainty that a consumer will be able to decode them. Each tagged
// scalar is judged by the SDK's own `decodeValue`, so the two accept exactly the same values; records, arrays
// and `$obj` members are walked here, so no decoded copy of the row is built.
import { decodeValue } from '@ferry/sdk';

/** Why a wire record (a row object) cannot be decoded, or undefined when it can. */
export function recordProblem(record: unknown): string | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record))
    return 'a record must be an object';
  for (const k in record) {
    const problem = valueProblem((record as Record<string, unknown>)[k]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Why a wire value cannot be decoded, or undefined when it can. */
export function valueProblem(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = valueProblem(item);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.hasOwn(value, '$obj')) {
    const members = (value as { $obj: unknown }).$obj;
    let keys = 0;
    for (const _ in value) keys++;
    if (keys === 1 && members !== null && typeof members === 'object' && !Array.isArray(members))
      return recordProblem(members);
  }
  try {
    decodeValue(value);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
