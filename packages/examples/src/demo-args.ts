import { parseArgs } from 'node:util';
import { numberOption } from './number-option.js';

/** Settings of the signing demo, after parsing and validation. */
export interface SigningDemoArgs {
  /** Base (1x) rate per signer, requests per second. */
  tps: number;
  /** Length of each replay (one signer at one multiplier). */
  durationMs: number;
  /** Unreported replay at 1x before the measured ones (JIT and caches warm); 0 skips it. */
  warmupMs: number;
  /** Port of the /metrics server on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Print usage and exit. */
  help: boolean;
}

/** Usage text of the signing demo. */
export const SIGNING_DEMO_USAGE = `usage: node packages/examples/dist/signing-demo.js [options]

Replays HMAC-SHA256, Ed25519 and ECDSA P-256 signing at 1x, 2x and 5x on an
open-loop timetable and prints their latency side by side, with the metrics
served on http://127.0.0.1:PORT/metrics while it runs.

options:
  --tps N            base (1x) signing rate per signer, per second (default 2000)
  --duration-ms N    length of each replay in ms (default 2000: about 20 s in all)
  --warmup-ms N      unreported 1x replay per signer first (default 500; 0 skips)
  --port N           metrics port on 127.0.0.1 (default 0: a free port)
  --help             print this and exit
`;

/** Parses the demo's command line; throws a RangeError/TypeError naming the flag on bad input. */
export function parseSigningDemoArgs(argv: readonly string[]): SigningDemoArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      tps: { type: 'string' },
      'duration-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    tps: numberOption('tps', values.tps, 2_000, (n) => Number.isFinite(n) && n > 0, 'a number > 0'),
    durationMs: numberOption('duration-ms', values['duration-ms'], 2_000, (n) => Number.isFinite(n) && n >= 10, 'a number ≥ 10'),
    warmupMs: numberOption('warmup-ms', values['warmup-ms'], 500, (n) => Number.isFinite(n) && n >= 0, 'a number ≥ 0'),
    port: numberOption('port', values.port, 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535, 'an integer in [0, 65535]'),
    help: values.help === true,
  };
}
