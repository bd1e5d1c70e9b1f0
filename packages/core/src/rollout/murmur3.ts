// MurmurHash3 x86 32-bit (Austin Appleby, public domain), over bytes.
// Math.imul keeps every multiply in 32-bit integer arithmetic: no float, no bigint.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * MurmurHash3 x86 32-bit of `bytes[0..length)` with `seed`, as an unsigned
 * 32-bit integer. Hashes bytes, never UTF-16 code units: encode strings as
 * UTF-8 first (see {@link rolloutBucket}). Allocation-free.
 *
 * @param bytes - input buffer; only the first `length` bytes are read
 * @param length - number of bytes to hash (default `bytes.length`)
 * @param seed - 32-bit seed (default 0, the rollout's seed)
 */
export function murmur3X86_32(bytes: Uint8Array, length: number = bytes.length, seed = 0): number {
  let h = seed | 0;
  const blocksEnd = length & ~3;
  let i = 0;
  for (; i < blocksEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = length & 3;
  if (rest !== 0) {
    let k = bytes[i]!;
    if (rest >= 2) k |= bytes[i + 1]! << 8;
    if (rest === 3) k |= bytes[i + 2]! << 16;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
