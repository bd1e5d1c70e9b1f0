import { murmur3X86_32 } from './murmur3.js';
import { utf8EncodeInto } from './utf8-encode-into.js';

/** Basis points in 100 %: buckets are 0..9999 and `enforceBasisPoints` is 0..10000. */
export const ROLLOUT_BASIS_POINTS_MAX = 10_000;

/** Longest salt accepted, in UTF-16 code units (it is configuration, not data). */
export const ROLLOUT_SALT_LENGTH_MAX = 256;

/**
 * Client IDs up to this many UTF-16 code units hash from a preallocated buffer;
 * longer ones (IDs the quote guard rejects anyway) take an allocating slow path,
 * so the buffer stays small and bounded.
 */
export const ROLLOUT_CLIENT_ID_FAST_LENGTH_MAX = 256;

const encoder = new TextEncoder();

/**
 * Maps a 32-bit hash onto basis points 0..9999 by multiply-shift
 * (`floor(h × 10000 / 2^32)`): every bucket gets 429 496 or 429 497 hashes, with
 * no modulo bias toward low buckets. Exact in float64 (h × 10000 < 2^46).
 */
export function bucketFromHash(hash: number): number {
  return Math.floor((hash * ROLLOUT_BASIS_POINTS_MAX) / 4_294_967_296);
}

/**
 * Hashes `salt + ":" + clientId` for one fixed salt. The salt and the colon are
 * encoded once into a private buffer; each call only encodes the client ID
 * behind them (a JavaScript UTF-8 loop, see {@link utf8EncodeInto}), so the hot path allocates nothing for IDs up to
 * {@link ROLLOUT_CLIENT_ID_FAST_LENGTH_MAX} code units.
 */
export class SaltedRolloutHasher {
  /** The salt every hash is prefixed with. */
  readonly salt: string;
  private readonly buffer: Uint8Array;
  private readonly prefixBytes: number;

  /** Throws when `salt` is not a string of at most {@link ROLLOUT_SALT_LENGTH_MAX} code units. */
  constructor(salt: string) {
    if (typeof salt !== 'string' || salt.length > ROLLOUT_SALT_LENGTH_MAX) {
      throw new TypeError(`rollout: salt must be a string of at most ${ROLLOUT_SALT_LENGTH_MAX} characters`);
    }
    this.salt = salt;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 2 units → 4 bytes).
    this.buffer = new Uint8Array((ROLLOUT_SALT_LENGTH_MAX + 1 + ROLLOUT_CLIENT_ID_FAST_LENGTH_MAX) * 3);
    const written = encoder.encodeInto(salt, this.buffer).written;
    this.buffer[written] = 0x3a; // ':'
    this.prefixBytes = written + 1;
  }

  /** MurmurHash3 x86 32-bit (seed 0) of the UTF-8 bytes of `salt:clientId`. */
  hash(clientId: string): number {
    if (clientId.length > ROLLOUT_CLIENT_ID_FAST_LENGTH_MAX) {
      const bytes = encoder.encode(`${this.salt}:${clientId}`);
      return murmur3X86_32(bytes, bytes.length, 0);
    }
    const n = utf8EncodeInto(clientId, this.buffer, this.prefixBytes);
    return murmur3X86_32(this.buffer, n, 0);
  }

  /** The client's bucket in basis points 0..9999 ({@link bucketFromHash} of {@link hash}). */
  bucket(clientId: string): number {
    return bucketFromHash(this.hash(clientId));
  }
}

// The last salt's hasher, so repeated calls with one salt allocate nothing.
let lastHasher: SaltedRolloutHasher | undefined;

function hasherFor(salt: string): SaltedRolloutHasher {
  if (lastHasher === undefined || lastHasher.salt !== salt) lastHasher = new SaltedRolloutHasher(salt);
  return lastHasher;
}

/** The raw 32-bit MurmurHash3 (seed 0) of the UTF-8 bytes of `salt + ":" + clientId`. */
export function rolloutHash(salt: string, clientId: string): number {
  return hasherFor(salt).hash(clientId);
}

/**
 * The rollout bucket of a client: MurmurHash3 x86 32-bit (seed 0) of the UTF-8
 * bytes of `salt + ":" + clientId`, mapped to basis points 0..9999 by
 * {@link bucketFromHash}. Deterministic across processes, hosts and languages
 * (never a runtime's per-process salted string hash). A client is enforced at
 * `enforceBasisPoints` iff its bucket is below it, so raising the percentage
 * only adds clients. Throws only for a salt longer than {@link ROLLOUT_SALT_LENGTH_MAX}.
 */
export function rolloutBucket(salt: string, clientId: string): number {
  return hasherFor(salt).bucket(clientId);
}
