// Plain-text layout for terminals: column alignment that counts CJK characters as two cells, sizes and rates.

/** Terminal cells a string occupies: East Asian wide and fullwidth characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp < 0x370) || cp === 0x200b) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Pads `text` with spaces to `width` terminal cells. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Right-aligns `text` in `width` terminal cells. */
export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/** Options for {@link formatTable}. */
export interface TableOptions {
  /** Spaces before every line. Default 2. */
  indent?: number;
  /** Spaces between columns. Default 2. */
  gap?: number;
  /** Indexes of columns aligned to the right (numbers). */
  right?: readonly number[];
}

/** Lays out rows as aligned columns; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const indent = ' '.repeat(options.indent ?? 2);
  const gap = ' '.repeat(options.gap ?? 2);
  const right = new Set(options.right ?? []);
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell));
  }
  return rows.map((row) => {
    const cells = row.map((cell, i) => {
      const width = widths[i]!;
      if (right.has(i)) return padStart(cell, width);
      return i === row.length - 1 ? cell : padEnd(cell, width);
    });
    return (indent + cells.join(gap)).trimEnd();
  });
}

/** `label  value` lines with the values aligned. */
export function formatFields(fields: readonly (readonly [string, string])[], indent = 2): string[] {
  return formatTable(fields, { indent });
}

/** 1536 → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** Decimal megabytes per second: the unit disk and network figures use. */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return '—';
  const mbps = bytes / 1e6 / (ms / 1000);
  return `${mbps.toFixed(mbps >= 100 ? 0 : 1)} MB/s`;
}

/** 0.4 → `0.4 ms`, 2500 → `2.50 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
