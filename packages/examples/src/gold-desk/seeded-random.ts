import { murmur3X86_32 } from '@tailguard/core';

/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the
 * same sequence on every machine and Node version, so the demo's market and
 * order flow are reproducible under `--seed`. Not for cryptography.
 */
export class SeededRandom {
  private state: number;

  /** `seed`: any 32-bit unsigned integer. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /**
   * An independent generator for one named stream (a client, the market): the
   * label's murmur3 hash mixed with the seed, so adding a client does not
   * shift any other client's draws.
   */
  static forStream(seed: number, label: string): SeededRandom {
    const bytes = new TextEncoder().encode(label);
    return new SeededRandom(murmur3X86_32(bytes, bytes.length, seed >>> 0));
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }
}
