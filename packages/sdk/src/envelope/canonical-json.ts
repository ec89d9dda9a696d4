// RFC 8785 (JCS) canonical JSON, restricted to what envelope headers hold: objects, arrays, strings,
// booleans, null and safe integers. Any JCS library reproduces these bytes.

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | CanonicalValue[]
  | { [key: string]: CanonicalValue };

/** Serialises `value` as RFC 8785 canonical JSON (UTF-16 code unit key order, no whitespace). */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError('canonical JSON here holds safe integers only');
    return JSON.stringify(value);
  }
  // Loops and string appends rather than map/join: this runs twice per envelope (seal, and the receiver's
  // canonical-form check), on headers that are mostly long base64 strings.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]!);
    return `${out}]`;
  }
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(value[key]!)}`;
  }
  return `${out}}`;
}
