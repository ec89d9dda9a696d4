// Sizes in configuration files: a number of bytes, or a number with a unit ("64 MiB", "512kb").
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Pattern of a size written as text. Units are binary whatever their spelling (`kb` = `kib` = 1024). */
export const BYTE_SIZE_PATTERN: RegExp = /^\s*(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i;

/** Bytes in `value`: a non-negative integer, or text matching {@link BYTE_SIZE_PATTERN}. */
export function parseByteSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = BYTE_SIZE_PATTERN.exec(value);
  if (!m) return Number.NaN;
  return Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? Number.NaN);
}
