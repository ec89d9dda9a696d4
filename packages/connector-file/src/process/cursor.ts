/**
 * The cursor this connector stores with every batch it hands a sink: which export (name, content hash,
 * state generation) and how many of its changes the sink now holds. After a crash, sending resumes from
 * `offset`; `done` says the export's last batch is in.
 */
export interface FileCursor {
  v: 1;
  file: string;
  sha256: string;
  generation: number;
  offset: number;
  total: number;
  done: boolean;
}

export function encodeCursor(c: Omit<FileCursor, 'v'>): string {
  return JSON.stringify({ v: 1, ...c });
}

/** Reads a cursor written by {@link encodeCursor}; undefined for anything else. */
export function decodeCursor(text: string | undefined): FileCursor | undefined {
  if (!text) return undefined;
  try {
    const c = JSON.parse(text) as Partial<FileCursor>;
    if (
      c.v !== 1 ||
      typeof c.sha256 !== 'string' ||
      typeof c.generation !== 'number' ||
      typeof c.offset !== 'number'
    )
      return undefined;
    return c as FileCursor;
  } catch {
    return undefined;
  }
}
