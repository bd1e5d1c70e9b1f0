import type { RolloutMode } from '@tailguard/core';

/** One step of the guard's rollout, run over the identical order flow. */
export interface DeskPhase {
  /** Short name (column header, ClOrdID prefix). */
  readonly name: string;
  /** What the phase is, for the tables. */
  readonly title: string;
  readonly mode: RolloutMode;
  /** Enforced share in `enforce` mode, basis points. */
  readonly enforceBasisPoints: number;
}

/** The rollout a desk goes through: no guard, shadow, then 10 % → 50 % → 100 % enforced. */
export const DESK_PHASES: readonly DeskPhase[] = Object.freeze([
  { name: 'off', title: 'no guard (baseline)', mode: 'off', enforceBasisPoints: 0 },
  { name: 'shadow', title: 'shadow (evaluate, never reject)', mode: 'shadow', enforceBasisPoints: 0 },
  { name: 'enf-10%', title: 'enforce 10 % of clients', mode: 'enforce', enforceBasisPoints: 1_000 },
  { name: 'enf-50%', title: 'enforce 50 % of clients', mode: 'enforce', enforceBasisPoints: 5_000 },
  { name: 'enf-100%', title: 'enforce 100 % of clients', mode: 'enforce', enforceBasisPoints: 10_000 },
]);
