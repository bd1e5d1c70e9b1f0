import { parseArgs } from 'node:util';
import { numberOption } from '../number-option.js';

/** Settings of the gold-desk demo after parsing and validation. */
export interface GoldDeskArgs {
  /** Seed of the market and every client's flow. */
  seed: number;
  /** Whole run (five phases), ms of real and simulated time. */
  durationMs: number;
  /** Port of /metrics on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Markdown report path, when asked for. */
  reportPath: string | undefined;
  /** Redis URL for the shared guard, when asked for. */
  redisUrl: string | undefined;
  /** Keep serving /metrics this long after the phases (for a scraper). */
  lingerMs: number;
  /** Base rate of the report's signing replay, per second. */
  loadTps: number;
  /** Length of each multiplier of the report's signing replay, ms. */
  loadDurationMs: number;
  help: boolean;
}

/** Default seed: its flow tells the story (see docs/gold-desk.md). */
export const GOLD_DESK_SEED_DEFAULT = 7;

/** Shortest run accepted: half a second per phase. */
export const GOLD_DESK_DURATION_MS_MIN = 2_500;

/** Usage text. */
export const GOLD_DESK_USAGE = `usage: node packages/examples/dist/gold-desk.js [options]

An XAUUSD dealer behind a quote-guarded FIX venue, with honest clients, a fast
legitimate algo, two latency arbitrageurs and a replayer trading over FIX on
127.0.0.1. The same seeded order flow runs five times: no guard, shadow, then
enforced for 10 %, 50 % and 100 % of clients. A table follows each phase.

options:
  --seed N            seed of the market and the order flow (default ${GOLD_DESK_SEED_DEFAULT})
  --duration D        whole run, e.g. 30s, 15s, 9000ms (default 30s; at least 2.5s)
  --port N            /metrics port on 127.0.0.1 (default 0: a free port)
  --report FILE.md    write a markdown report: phase tables, flagged clients with
                      evidence, the signing-path load replay at 1x/2x/5x
  --redis URL         use the Redis quote guard (redis://127.0.0.1:6379) instead of
                      the in-memory one
  --linger-ms N       keep serving /metrics N ms after the last phase (default 0)
  --load-tps N        base rate of the report's signing replay (default 2000/s)
  --load-duration-ms N  length of each multiplier of that replay (default 500)
  --help              print this and exit
`;

/** Parses `30s`, `30`, `9000ms`, `1m` into ms; throws naming --duration. */
export function parseDurationMs(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (m === null) throw new RangeError(`--duration must be a number with an optional unit ms, s or m (e.g. 30s), got ${JSON.stringify(text)}`);
  const factor = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1_000;
  const ms = Math.round(Number(m[1]) * factor);
  if (ms < GOLD_DESK_DURATION_MS_MIN || ms > 600_000) {
    throw new RangeError(`--duration must be between ${GOLD_DESK_DURATION_MS_MIN / 1_000}s and 600s, got ${JSON.stringify(text)}`);
  }
  return ms;
}

/** Parses the demo's flags; throws a RangeError/TypeError naming the flag on bad input. */
export function parseGoldDeskArgs(argv: readonly string[]): GoldDeskArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string' },
      duration: { type: 'string' },
      port: { type: 'string' },
      report: { type: 'string' },
      redis: { type: 'string' },
      'linger-ms': { type: 'string' },
      'load-tps': { type: 'string' },
      'load-duration-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.report !== undefined && values.report.trim() === '') throw new TypeError('--report needs a file name, e.g. --report gold-desk.md');
  return {
    seed: numberOption('seed', values.seed, GOLD_DESK_SEED_DEFAULT, (n) => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff, 'an integer in [0, 4294967295]'),
    durationMs: values.duration === undefined ? 30_000 : parseDurationMs(values.duration),
    port: numberOption('port', values.port, 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65_535, 'an integer in [0, 65535]'),
    reportPath: values.report,
    redisUrl: values.redis,
    lingerMs: numberOption('linger-ms', values['linger-ms'], 0, (n) => Number.isInteger(n) && n >= 0 && n <= 3_600_000, 'an integer in [0, 3600000]'),
    loadTps: numberOption('load-tps', values['load-tps'], 2_000, (n) => Number.isFinite(n) && n > 0 && n <= 100_000, 'a number in (0, 100000]'),
    loadDurationMs: numberOption('load-duration-ms', values['load-duration-ms'], 500, (n) => Number.isInteger(n) && n >= 50 && n <= 60_000, 'an integer in [50, 60000]'),
    help: values.help === true,
  };
}
