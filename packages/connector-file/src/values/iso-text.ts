// ISO 8601 text of dates and date-times read by position from checked text (see readFixed and
// readIsoPlain in date-pattern.ts). String.fromCharCode of the characters gives a flat string in one step,
// where a template literal of more than 12 characters makes a rope (a V8 ConsString) that the value
// classes' format checks must flatten again, at several times the cost.

/** The character `k` of a two-digit field at `at`, or `0` when the field is absent (`at` < 0). */
function ch(t: string, at: number, k: number): number {
  return at < 0 ? 48 : t.charCodeAt(at + k);
}

/** `yyyy-MM-dd` from the four year digits at `y` and the two month and day digits at `m` and `d` of `t`. */
export function isoDateText(t: string, y: number, m: number, d: number): string {
  return String.fromCharCode(
    t.charCodeAt(y),
    t.charCodeAt(y + 1),
    t.charCodeAt(y + 2),
    t.charCodeAt(y + 3),
    45,
    t.charCodeAt(m),
    t.charCodeAt(m + 1),
    45,
    t.charCodeAt(d),
    t.charCodeAt(d + 1),
  );
}

/**
 * `yyyy-MM-ddTHH:mm:ss` and `offset` (``, `Z` or `±HH:MM`) from the digits of `t` at the given positions;
 * an hour, minute or second position below 0 reads as `00`.
 */
export function isoDateTimeText(
  t: string,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  offset: string,
): string {
  if (offset.length === 6) {
    return String.fromCharCode(
      t.charCodeAt(y),
      t.charCodeAt(y + 1),
      t.charCodeAt(y + 2),
      t.charCodeAt(y + 3),
      45,
      t.charCodeAt(mo),
      t.charCodeAt(mo + 1),
      45,
      t.charCodeAt(d),
      t.charCodeAt(d + 1),
      84,
      ch(t, h, 0),
      ch(t, h, 1),
      58,
      ch(t, mi, 0),
      ch(t, mi, 1),
      58,
      ch(t, s, 0),
      ch(t, s, 1),
      offset.charCodeAt(0),
      offset.charCodeAt(1),
      offset.charCodeAt(2),
      offset.charCodeAt(3),
      offset.charCodeAt(4),
      offset.charCodeAt(5),
    );
  }
  const base = String.fromCharCode(
    t.charCodeAt(y),
    t.charCodeAt(y + 1),
    t.charCodeAt(y + 2),
    t.charCodeAt(y + 3),
    45,
    t.charCodeAt(mo),
    t.charCodeAt(mo + 1),
    45,
    t.charCodeAt(d),
    t.charCodeAt(d + 1),
    84,
    ch(t, h, 0),
    ch(t, h, 1),
    58,
    ch(t, mi, 0),
    ch(t, mi, 1),
    58,
    ch(t, s, 0),
    ch(t, s, 1),
  );
  return offset.length === 0 ? base : base + offset;
}
