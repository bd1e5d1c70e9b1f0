import type { SkewSource, SkewStatus } from './skew-source.js';

/**
 * Combines several clock-error sources (chrony and a Redis TIME probe, say):
 * synchronised only when all are, and the error bound is the largest of them.
 * The reason of the first unsynchronised source is reported.
 */
export function combineSkewSources(...sources: SkewSource[]): SkewSource {
  if (sources.length === 0) throw new TypeError('combineSkewSources: pass at least one SkewSource');
  let lastInputs: SkewStatus[] = [];
  let cached: SkewStatus | undefined;
  return {
    status(): SkewStatus {
      // Sources return cached objects: recompute only when one of them changed.
      let changed = cached === undefined || lastInputs.length !== sources.length;
      const inputs = lastInputs.length === sources.length ? lastInputs : new Array<SkewStatus>(sources.length);
      for (let i = 0; i < sources.length; i++) {
        const s = sources[i]!.status();
        if (inputs[i] !== s) {
          inputs[i] = s;
          changed = true;
        }
      }
      lastInputs = inputs;
      if (!changed) return cached!;
      let maxErrorUs = 0;
      let unsynced: SkewStatus | undefined;
      for (const s of inputs) {
        if (s.maxErrorUs > maxErrorUs) maxErrorUs = s.maxErrorUs;
        if (!s.synchronized && unsynced === undefined) unsynced = s;
      }
      cached = Object.freeze({ synchronized: unsynced === undefined, maxErrorUs, reason: unsynced?.reason ?? 'ok' });
      return cached;
    },
  };
}
