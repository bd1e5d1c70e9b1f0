/**
 * Rollout modes, in the order a desk moves through them: `off` (no check),
 * `shadow` (evaluate everything, enforce nothing, count would-rejects),
 * `enforce` (enforce for the clients the decider selects).
 */
export const ROLLOUT_MODES = ['off', 'shadow', 'enforce'] as const;

/** One of {@link ROLLOUT_MODES}. */
export type RolloutMode = (typeof ROLLOUT_MODES)[number];

/**
 * What the quote guard asks of a rollout on every check. Implementations answer
 * synchronously from state refreshed off the hot path (a percentage changed live,
 * a config pushed over Redis pub/sub).
 */
export interface RolloutDecider {
  /** Current mode. */
  mode(): RolloutMode;
  /** True when a failed check must be enforced for this client (only meaningful in `enforce` mode). */
  isEnforced(clientId: string): boolean;
}

/** A decider that enforces for every client: the default when no rollout is configured. */
export const ENFORCE_ALL: RolloutDecider = Object.freeze({
  mode: (): RolloutMode => 'enforce',
  isEnforced: (): boolean => true,
});
