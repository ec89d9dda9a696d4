// Checks values in their wire form (docs/protocol/changes.md) without decoding them: the hub stores rows as
// they were sent and never needs the `Decimal`, `Timestamp` or bytes a decode would build, only the certainty
// that a consumer will be able to decode them. Accepts exactly what `decodeValue` of @ferry/sdk accepts.

export const INTEGER = /^-?\d+$/;
export const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The tag and string payload of a tagged value (`{"$int":"12"}`), or undefined for anything else. */
export function tagOf(value: unknown): { tag: string; value: string } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  let tag: string | undefined;
  for (const k in value) {
    if (tag !== undefined) return undefined;
    tag = k;
  }
  if (tag === undefined) return undefined;
  const payload = (value as Record<string, unknown>)[tag];
  return typeof payload === 'string' ? { tag, value: payload } : undefined;
}

/** Why a wire record (a row or key object) cannot be decoded, or undefined when it can. */
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
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : 'non-finite number';
    case 'object':
      break;
    default:
      return `unexpected ${typeof value}`;
  }
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = valueProblem(item);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  let tag: string | undefined;
  let members = 0;
  for (const k in value) {
    tag = k;
    members++;
  }
  if (members !== 1 || tag === undefined) return 'a tagged value has exactly one key';
  const v = (value as Record<string, unknown>)[tag];
  switch (tag) {
    case '$int':
      return typeof v === 'string' && INTEGER.test(v) ? undefined : '$int must be a decimal integer string';
    case '$dec':
      if (typeof v !== 'string') return '$dec must be a string';
      return DECIMAL.test(v.trim()) ? undefined : `"${v}" is not a decimal number`;
    case '$ts':
      if (typeof v !== 'string') return '$ts must be a string';
      return TIMESTAMP.test(v) ? undefined : `"${v}" is not an ISO 8601 timestamp`;
    case '$date':
      if (typeof v !== 'string') return '$date must be a string';
      return DATE.test(v) ? undefined : `"${v}" is not an ISO 8601 date`;
    case '$bin':
      return typeof v === 'string' && BASE64.test(v) ? undefined : '$bin must be base64';
    case '$float':
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return undefined;
      return typeof v === 'string' && Number.isFinite(Number(v))
        ? undefined
        : '$float must be NaN, Infinity, -Infinity or a number';
    case '$obj':
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return '$obj must be an object';
      return recordProblem(v);
    default:
      return `unknown value tag ${tag}`;
  }
}
