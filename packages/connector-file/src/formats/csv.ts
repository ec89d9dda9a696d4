// CSV and TSV through csv-parse (the reference Node CSV parser: RFC 4180 quoting, embedded newlines, CRLF,
// any delimiter). It is fed UTF-8 bytes and driven synchronously: records arrive in the 'data' handler
// during write(), so `parser.info.lines` is exact for each record without csv-parse's per-record info
// objects (which halve its speed).
import { FerryError } from '@ferry/sdk/errors';
import { type CsvError, Parser } from 'csv-parse';
import type { RecordHandler, TextFormatReader } from './record-handler.js';

export interface CsvOptions {
  file: string;
  delimiter: string;
  /** Quote character, or false for formats without quoting (many TSV exports). */
  quote: string | false;
  /** true: a bad record is reported and parsing goes on; false: it stops the file. */
  skipBadRecords: boolean;
}

export function createCsvReader(options: CsvOptions, handler: RecordHandler): TextFormatReader {
  let fatal: unknown;
  let delivered = 0;
  let lastEnd = 0;
  const parser = new Parser({
    delimiter: options.delimiter,
    quote: options.quote === false ? null : options.quote,
    // Column counts are checked by the row mapper, which reports the line and the column.
    relax_column_count: true,
    // A quote inside an unquoted field (北京"东门") is text, as legacy exporters write it.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: options.skipBadRecords,
  });
  parser.on('data', (fields: string[]) => {
    delivered++;
    const end = parser.info.lines;
    let start = lastEnd + 1;
    if (end - lastEnd > 1) {
      // Either blank lines were skipped or a quoted field holds newlines: count the latter.
      let inner = 0;
      for (const f of fields) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) inner++;
      start = end - inner;
    }
    lastEnd = Math.max(end, start);
    if (fatal !== undefined) return;
    try {
      handler.tabular(fields, start);
    } catch (err) {
      fatal = err;
    }
  });
  parser.on('skip', (err: CsvError) => {
    lastEnd = Math.max(lastEnd, parser.info.lines);
    handler.syntax({ line: (err as { lines?: number }).lines ?? parser.info.lines }, csvMessage(err));
  });
  parser.on('error', (err: CsvError) => {
    if (fatal !== undefined) return;
    const line = (err as { lines?: number }).lines ?? parser.info.lines;
    // Reported as a bad row: with onBadRow reject-file the file is rejected at this line.
    try {
      handler.syntax({ line }, csvMessage(err));
    } catch (e) {
      fatal = e;
      return;
    }
    fatal = new FerryError('FERRY_FILE_ROW_INVALID', `${options.file}:${line}: ${csvMessage(err)}`, {
      location: { file: options.file, line },
    });
  });
  const check = () => {
    if (fatal !== undefined) throw fatal;
    if (delivered !== parser.info.records && !options.skipBadRecords) {
      // csv-parse delivered records later than it counted them: line numbers would be wrong.
      throw new Error('csv-parse delivered records asynchronously; line numbers cannot be trusted');
    }
  };
  return {
    write(chunk) {
      if (fatal !== undefined) throw fatal;
      parser.write(chunk);
      check();
    },
    async end() {
      if (fatal !== undefined) throw fatal;
      await new Promise<void>((resolve) => {
        parser.once('end', resolve);
        parser.once('close', resolve);
        parser.end();
      });
      if (fatal !== undefined) throw fatal;
    },
  };
}

function csvMessage(err: CsvError): string {
  // csv-parse messages end with a long list of alternatives; the first sentence is the useful part.
  return err.message.replace(/ instead of delimiter.*$/, '').replace(/\s+/g, ' ');
}
