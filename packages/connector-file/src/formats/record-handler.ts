/** Where a format reader hands the records it finds. */
export interface RecordHandler {
  /** A tabular record (CSV/TSV line, worksheet row) as text cells; `line` is where it starts. */
  tabular(fields: string[], line: number): void;
  /** A JSON value that should be an object (NDJSON line, JSON array element). */
  object(value: unknown, at: { line?: number; record?: number }): void;
  /** A record the format itself cannot read (unbalanced quote, invalid JSON line). */
  syntax(at: { line?: number; record?: number }, message: string): void;
}

/** A reader of a text format fed with text of whole characters (from a decoder). */
export interface TextFormatReader {
  write(text: string): void;
  end(): Promise<void>;
}
