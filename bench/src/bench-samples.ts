/**
 * The data every latency benchmark feeds its peers: deterministic, so every
 * run and every peer sees the same samples.
 */

/** Deterministic PRNG (mulberry32) so every run and every peer sees the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Latency samples in ns shaped like a signing path with a spike: 98 % lognormal
 * around 200 µs (σ 0.5), 2 % lognormal around 3 ms (σ 0.3), so the p99 sits
 * inside the spike. Same seed, same data, for every peer.
 */
export function latencySamplesNs(count: number, seed = 42): Float64Array {
  const rnd = seededRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = rnd() < 0.02 ? 3e6 * Math.exp(0.3 * gauss()) : 200e3 * Math.exp(0.5 * gauss());
  }
  return out;
}
