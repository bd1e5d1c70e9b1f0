import type { SkewSource, SkewStatus } from './skew-source.js';

/** A skew source that always reports the same status: for tests and for hosts where the error is known. */
export class FixedSkewSource implements SkewSource {
  private current: SkewStatus;

  constructor(maxErrorUs = 0, synchronized = true) {
    this.current = FixedSkewSource.make(maxErrorUs, synchronized);
  }

  /** @inheritdoc */
  status(): SkewStatus {
    return this.current;
  }

  /** Changes the reported status. */
  set(maxErrorUs: number, synchronized = true): void {
    this.current = FixedSkewSource.make(maxErrorUs, synchronized);
  }

  private static make(maxErrorUs: number, synchronized: boolean): SkewStatus {
    if (!(maxErrorUs >= 0) || !Number.isFinite(maxErrorUs)) {
      throw new RangeError(`FixedSkewSource: maxErrorUs must be a finite number ≥ 0, got ${maxErrorUs}`);
    }
    return Object.freeze({ synchronized, maxErrorUs, reason: synchronized ? 'ok' : 'fixed_unsynchronized' });
  }
}

/** The default when no source is configured: a perfect clock (zero error, synchronised). */
export const ZERO_SKEW: SkewSource = new FixedSkewSource(0, true);
