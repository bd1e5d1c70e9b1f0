/**
 * Deterministic PRNG (mulberry32) for tests: the same seed gives the same
 * sequence on every machine and Node version, so a failing case reproduces.
 * Returns a function that draws uniformly from [0, 1). Not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
