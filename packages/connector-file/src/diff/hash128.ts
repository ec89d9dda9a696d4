// A 128-bit hash in the shape of MurmurHash3 x86_128 (four 32-bit lanes), over bytes already written to a
// buffer. A native digest (crypto.hash md5) costs about 1 µs per call here, mostly crossing into C++; this
// loop hashes a 100-byte row in a fraction of that. It is not a cryptographic hash and need not be: keys
// are compared by their full text after the hash has only ordered them, and a row-hash collision
// (2^-128 per changed row) would at worst miss an update.

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function writeU32(out: Uint8Array, off: number, v: number): void {
  out[off] = v >>> 24;
  out[off + 1] = (v >>> 16) & 0xff;
  out[off + 2] = (v >>> 8) & 0xff;
  out[off + 3] = v & 0xff;
}

/** Writes the 16-byte hash of `buf[start..end)` into `out` at `off`. */
export function hash128Bytes(
  buf: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  off: number,
): void {
  let h1 = 0x9747b28c;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  const len = end - start;
  let i = start;
  const blockEnd = start + (len & ~15);
  for (; i < blockEnd; i += 16) {
    let k1 = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    let k2 = buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24);
    let k3 = buf[i + 8]! | (buf[i + 9]! << 8) | (buf[i + 10]! << 16) | (buf[i + 11]! << 24);
    let k4 = buf[i + 12]! | (buf[i + 13]! << 8) | (buf[i + 14]! << 16) | (buf[i + 15]! << 24);
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, c2);
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    h2 ^= Math.imul(k2, c3);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    h3 ^= Math.imul(k3, c4);
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    h4 ^= Math.imul(k4, c1);
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  // Tail: up to 15 bytes, little-endian into four words.
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let t4 = 0;
  for (let k = 0; i < end; i++, k++) {
    const b = buf[i]! << ((k & 3) * 8);
    if (k < 4) t1 |= b;
    else if (k < 8) t2 |= b;
    else if (k < 12) t3 |= b;
    else t4 |= b;
  }
  if (len & 15) {
    t4 = Math.imul(t4, c4);
    t4 = (t4 << 18) | (t4 >>> 14);
    h4 ^= Math.imul(t4, c1);
    t3 = Math.imul(t3, c3);
    t3 = (t3 << 17) | (t3 >>> 15);
    h3 ^= Math.imul(t3, c4);
    t2 = Math.imul(t2, c2);
    t2 = (t2 << 16) | (t2 >>> 16);
    h2 ^= Math.imul(t2, c3);
    t1 = Math.imul(t1, c1);
    t1 = (t1 << 15) | (t1 >>> 17);
    h1 ^= Math.imul(t1, c2);
  }
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  writeU32(out, off, h1);
  writeU32(out, off + 4, h2);
  writeU32(out, off + 8, h3);
  writeU32(out, off + 12, h4);
}

/**
 * The same hash as {@link hash128Bytes} over the UTF-16LE bytes of the code units `units[start..end)`,
 * read two units per 32-bit word: half the loads of reading the bytes.
 */
export function hash128Units(
  units: Uint16Array,
  start: number,
  end: number,
  out: Uint8Array,
  off: number,
): void {
  let h1 = 0x9747b28c;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  const len = (end - start) * 2;
  let i = start;
  const blockEnd = start + ((end - start) & ~7);
  for (; i < blockEnd; i += 8) {
    let k1 = units[i]! | (units[i + 1]! << 16);
    let k2 = units[i + 2]! | (units[i + 3]! << 16);
    let k3 = units[i + 4]! | (units[i + 5]! << 16);
    let k4 = units[i + 6]! | (units[i + 7]! << 16);
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, c2);
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    h2 ^= Math.imul(k2, c3);
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    h3 ^= Math.imul(k3, c4);
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    h4 ^= Math.imul(k4, c1);
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  // Tail: up to 7 units (14 bytes), two to a word, as hash128Bytes reads their bytes.
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let t4 = 0;
  for (let j = 0; i < end; i++, j++) {
    const u = units[i]! << ((j & 1) * 16);
    if (j < 2) t1 |= u;
    else if (j < 4) t2 |= u;
    else if (j < 6) t3 |= u;
    else t4 |= u;
  }
  if (len & 15) {
    t4 = Math.imul(t4, c4);
    t4 = (t4 << 18) | (t4 >>> 14);
    h4 ^= Math.imul(t4, c1);
    t3 = Math.imul(t3, c3);
    t3 = (t3 << 17) | (t3 >>> 15);
    h3 ^= Math.imul(t3, c4);
    t2 = Math.imul(t2, c2);
    t2 = (t2 << 16) | (t2 >>> 16);
    h2 ^= Math.imul(t2, c3);
    t1 = Math.imul(t1, c1);
    t1 = (t1 << 15) | (t1 >>> 17);
    h1 ^= Math.imul(t1, c2);
  }
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  writeU32(out, off, h1);
  writeU32(out, off + 4, h2);
  writeU32(out, off + 8, h3);
  writeU32(out, off + 12, h4);
}
