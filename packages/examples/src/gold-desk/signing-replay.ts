import { replayLoad, type LatencyMonitor, type LoadReportRow } from '@tailguard/core';
import { createDemoSigners, DEMO_SIGNING_PAYLOAD } from '../demo-signers.js';

/** Multipliers of the report's signing replay. */
export const SIGNING_REPLAY_MULTIPLIERS = [1, 2, 5] as const;

/**
 * Replays the signing path (HMAC-SHA256, Ed25519, ECDSA P-256 over a venue
 * logon prehash) at 1x/2x/5x of `tps` on an open-loop timetable, each signer
 * recording into `monitor`, after a short unreported warm-up. The rows go in
 * the report beside the phase tables.
 */
export async function replaySigningPath(monitor: LatencyMonitor, tps: number, durationMs: number): Promise<LoadReportRow[]> {
  const rows: LoadReportRow[] = [];
  for (const signer of createDemoSigners(monitor)) {
    const fn = (): Buffer => signer.sign(DEMO_SIGNING_PAYLOAD);
    await replayLoad({ fn, tps, multipliers: [1], durationMs: Math.min(200, durationMs), progress: false });
    rows.push(
      ...(await replayLoad({ name: signer.operation.name, fn, tps, multipliers: SIGNING_REPLAY_MULTIPLIERS, durationMs, restMs: 50, progress: false })),
    );
  }
  return rows;
}
