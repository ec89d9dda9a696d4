// Seeded randomness for the fuzz tests: every run makes the same values, so a failure reproduces.

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Strings near the valid forms: the valid ones, then `count` of them each with one to three characters of
 * `alphabet` inserted or replacing one, or a character removed.
 */
export function mutants(valid: readonly string[], alphabet: string, count: number, seed: number): string[] {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const out: string[] = [...valid];
  for (let k = 0; k < count; k++) {
    let s = valid[int(valid.length)]!;
    for (let e = int(3); e >= 0; e--) {
      const at = int(s.length + 1);
      const c = alphabet[int(alphabet.length)]!;
      const op = int(3);
      s =
        op === 0
          ? s.slice(0, at) + c + s.slice(at)
          : op === 1
            ? s.slice(0, at) + s.slice(at + 1)
            : s.slice(0, at) + c + s.slice(at + 1);
    }
    out.push(s);
  }
  return out;
}
