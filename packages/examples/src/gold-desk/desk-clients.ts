/** What kind of counterparty a desk client is; the desk does not know it, the demo's tables do. */
export const CLIENT_KINDS = ['honest', 'algo', 'arbitrageur', 'replayer'] as const;

/** One of {@link CLIENT_KINDS}. */
export type ClientKind = (typeof CLIENT_KINDS)[number];

/** A FIX client of the desk: its SenderCompID is the guard's client ID and the rollout key. */
export interface DeskClient {
  readonly id: string;
  readonly kind: ClientKind;
  /** Order size, troy ounces. */
  readonly qtyOz: number;
}

/**
 * The desk's clients. Their rollout buckets under {@link DESK_ROLLOUT_SALT}
 * tell the story as the enforced share grows: ALGO_FAST (bucket 503) and ARB_1
 * (394) are enforced from 10 %, ARB_2 (2 734) from 50 %, the replayer (7 919)
 * and the other honest clients only at 100 %. `tailguard rollout-bucket`
 * prints the same buckets.
 */
export const DESK_CLIENTS: readonly DeskClient[] = Object.freeze([
  { id: 'HONEST_A', kind: 'honest', qtyOz: 100 },
  { id: 'HONEST_B', kind: 'honest', qtyOz: 50 },
  { id: 'HONEST_C', kind: 'honest', qtyOz: 200 },
  { id: 'ALGO_FAST', kind: 'algo', qtyOz: 20 },
  { id: 'ARB_1', kind: 'arbitrageur', qtyOz: 300 },
  { id: 'ARB_2', kind: 'arbitrageur', qtyOz: 500 },
  { id: 'REPLAYER', kind: 'replayer', qtyOz: 100 },
]);

/** Rollout salt of the demo (chosen so the buckets above tell the story). */
export const DESK_ROLLOUT_SALT = 'gold-desk-101';

/** IDs of the clients of one kind. */
export function clientIdsOfKind(clients: readonly DeskClient[], kind: ClientKind): string[] {
  return clients.filter((c) => c.kind === kind).map((c) => c.id);
}
