// XLSX through exceljs's streaming WorkbookReader: the zip is read as a stream and rows are handed out one
// at a time, so a large sheet is never loaded whole (only the shared-strings table is kept, as every
// streaming reader must). exceljs is loaded on first use.
import { FerryError } from '@ferry/sdk/errors';
import type { RecordHandler } from './record-handler.js';

export interface XlsxOptions {
  file: string;
  /** Sheet name, or 1-based position; the first sheet when absent. */
  sheet?: string | number | undefined;
  /** Width of a row when the header is configured rather than read from the sheet. */
  width?: number | undefined;
}

/** Reads the chosen sheet of a workbook and hands each non-empty row to `handler.tabular`. */
export async function readXlsx(path: string, options: XlsxOptions, handler: RecordHandler): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell which numeric cells are dates.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let position = 0;
  let found = false;
  let width = options.width;
  const sheets: string[] = [];
  // An error of ours (a header without a configured column) must win over whatever exceljs reports when
  // its stream is abandoned mid-way.
  let own: unknown;
  try {
    for await (const sheet of reader) {
      position++;
      const name = (sheet as unknown as { name?: string }).name ?? `Sheet${position}`;
      sheets.push(name);
      const wanted =
        options.sheet === undefined
          ? position === 1
          : typeof options.sheet === 'number'
            ? options.sheet === position
            : options.sheet === name;
      if (found) break; // the wanted sheet is read: the rest of the workbook is not needed
      if (!wanted) {
        // Drain a skipped sheet: exceljs deletes a sheet's temporary file as soon as the iteration moves on,
        // and a sheet stream still opening that file would then fail outside any handler.
        for await (const _row of sheet) {
          // nothing: only its name is needed, for the error message when the wanted sheet is missing
        }
        continue;
      }
      found = true;
      for await (const row of sheet) {
        const values = row.values as unknown[];
        let last = values.length - 1;
        while (last >= 1 && cellText(values[last]) === '') last--;
        if (last < 1) continue;
        const n = Math.max(width ?? 0, last);
        const fields = new Array<string>(n);
        for (let c = 1; c <= n; c++) fields[c - 1] = cellText(values[c]);
        if (width === undefined) width = n;
        try {
          handler.tabular(fields, row.number);
        } catch (err) {
          own = err;
          break;
        }
      }
      if (own !== undefined) break;
    }
  } catch (err) {
    if (own !== undefined) throw own;
    if (err instanceof FerryError) throw err;
    throw new FerryError(
      'FERRY_FILE_MALFORMED',
      `${options.file}: not a readable XLSX workbook: ${(err as Error).message}`,
      {
        cause: err,
        location: { file: options.file },
      },
    );
  }
  if (own !== undefined) throw own;
  if (!found) {
    throw new FerryError(
      'FERRY_FILE_MALFORMED',
      `${options.file}: no sheet ${typeof options.sheet === 'number' ? `#${options.sheet}` : `"${options.sheet ?? 1}"`} (sheets: ${sheets.map((s) => `"${s}"`).join(', ') || 'none'})`,
      { location: { file: options.file }, details: { sheets } },
    );
  }
}

/** The text of a cell as Ferry parses it: numbers as written, dates as ISO local date-times. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    // Excel stores wall-clock time without a zone; exceljs reads it as UTC, so the UTC fields are the wall time.
    if (Number.isNaN(v.getTime())) return '';
    const iso = v.toISOString().slice(0, -1);
    if (iso.endsWith('T00:00:00.000')) return iso.slice(0, 10);
    return iso.endsWith('.000') ? iso.slice(0, -4) : iso;
  }
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if (o.text !== undefined) return cellText(o.text);
    if (o.error !== undefined) return String(o.error);
  }
  return String(v);
}
