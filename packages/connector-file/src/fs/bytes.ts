// Small byte copies. Buffer#copy crosses into C++ and builds a view of the source for every call, which
// costs more than the copy for the 16-byte hashes and short keys of the diff's work files; a loop does not.

/** Copies `n` bytes from `src[from…]` to `dst[to…]` (the ranges must not overlap). */
export function copyBytes(src: Uint8Array, from: number, dst: Uint8Array, to: number, n: number): void {
  if (n > 32) {
    dst.set(new Uint8Array(src.buffer, src.byteOffset + from, n), to);
    return;
  }
  for (let k = 0; k < n; k++) dst[to + k] = src[from + k]!;
}

/**
 * Writes `text` as UTF-8 at `dst[at…]` when it is all ASCII and fits, returning its length; -1 otherwise
 * (nothing useful written: encode it with Buffer#write instead).
 */
export function writeAscii(text: string, dst: Uint8Array, at: number): number {
  const n = text.length;
  if (at + n > dst.length) return -1;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c > 0x7f) return -1;
    dst[at + k] = c;
  }
  return n;
}
