// A check of a row in its wire text (docs/protocol/changes.md) that builds no objects: the hub stores rows as
// sent, and parsing each one with JSON.parse only to look at it and throw it away was the largest cost of its
// ingest. The common rows form a regular language (the JSON grammar of RFC 8259 restricted to one level of
// arrays and to the tags whose payload a pattern can judge), so one regular expression checks them, about six
// times faster than JSON.parse alone. Anything rarer (an exponent, an escaped tag, $bin, $float, $obj, nested
// arrays) does not match, and the caller decides with JSON.parse and wireValueProblem as before.

/** JSON whitespace. */
const WS = '[ \\t\\n\\r]*';
/** A JSON string: no raw control characters, only the escapes JSON allows. */
const STRING = '"(?:[^"\\\\\\u0000-\\u001f]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*"';
/**
 * A JSON number without an exponent and with at most 300 integer digits, so it is always finite (wireValueProblem
 * refuses Infinity, which `1e400` parses to). The lookahead stops a match at a prefix of a longer number.
 */
const NUMBER = '-?(?:0|[1-9]\\d{0,299})(?:\\.\\d+)?(?![\\deE.])';
const DATE = '\\d{4}-\\d{2}-\\d{2}';
/** Tags with a payload judged exactly as wireValueProblem judges it (isIntegerText, isDecimalText, isIsoDate, isIsoTimestamp). */
const PAYLOADS = [
  ['$int', '-?\\d+'],
  ['$dec', '-?\\d+(?:\\.\\d+)?'],
  ['$date', DATE],
  ['$ts', `${DATE}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})?`],
] as const;
/** `{"$tag":"payload"}`: exactly one member, the payload a plain string (no escapes). */
const TAGGED = `\\{${WS}(?:${PAYLOADS.map(([tag, payload]) => `"\\${tag}"${WS}:${WS}"${payload}"`).join('|')})${WS}\\}`;
const SCALAR = `(?:${STRING}|${NUMBER}|null|true|false|${TAGGED})`;
const ARRAY = `\\[${WS}(?:${SCALAR}${WS}(?:,${WS}${SCALAR}${WS})*)?\\]`;
const MEMBER = `${STRING}${WS}:${WS}(?:${SCALAR}|${ARRAY})${WS}`;
/** Each alternative starts with its own character, so a failing match backtracks only a step at a time: linear. */
const WIRE_RECORD = new RegExp(`^${WS}\\{${WS}(?:${MEMBER}(?:,${WS}${MEMBER})*)?\\}${WS}$`);

/**
 * True when `text` is certainly one JSON object whose member values are valid wire values, that is, when
 * `JSON.parse(text)` succeeds and gives an object in which `wireValueProblem` finds nothing. False means "not
 * certain": the text may still be valid (an exponent, an escaped tag, `$bin`, `$obj`…), so decide with
 * JSON.parse and {@link wireValueProblem}, which also say what is wrong.
 *
 * @example
 * ```ts
 * isWireRecordText('{"id":{"$int":"7"},"name":"张三"}'); // true
 * isWireRecordText('{"id":{"$int":"7.5"}}'); // false: wireValueProblem says why
 * ```
 */
export function isWireRecordText(text: string): boolean {
  return WIRE_RECORD.test(text);
}
