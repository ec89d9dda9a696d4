// The text form of a raw row inside the diff's work files: cells joined by a lone surrogate (U+D800), an
// empty segment meaning null (an empty source cell is null already), stored as UTF-16 so the separator
// survives. Text decoded from validated UTF-8 or GB bytes never holds a lone surrogate, so CSV rows need
// no check; rows from JSON or workbooks are checked and, in the rare case, fall back to JSON behind a
// leading U+DBFF. Joining and splitting cost a fraction of JSON.stringify and JSON.parse.
import type { RawRow } from './row-mapper.js';

const SEP = '\ud800';
const JSON_MARK = '\udbff';
/** The separator of cells. */
export const RAW_SEP = SEP;
/** First code unit of a row stored as JSON. */
export const JSON_MARK_CODE = 0xdbff;

/** Encodes a row; `checked` rows may hold any text (JSON, workbook cells). */
export function encodeRawRow(raw: RawRow, checked: boolean): string {
  if (checked) {
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      if (v && (v.indexOf(SEP) >= 0 || v.indexOf(JSON_MARK) >= 0)) return JSON_MARK + JSON.stringify(raw);
    }
  }
  return raw.join(SEP);
}

export function decodeRawRow(text: string): RawRow {
  if (text.charCodeAt(0) === 0xdbff) return JSON.parse(text.slice(1)) as RawRow;
  const parts: RawRow = text.split(SEP);
  for (let i = 0; i < parts.length; i++) if (parts[i] === '') parts[i] = null;
  return parts;
}
