/**
 * Timing harness shared by the benchmarks: warmup, several rounds, the median
 * of rounds in ns per operation. Each body runs its own loop over `iterations`,
 * so the loop is compiled into the body and every peer pays the same loop cost.
 */
import { performance } from 'node:perf_hooks';

/** A benchmark body: performs the operation `iterations` times. */
export type BenchBody = (iterations: number) => void;

/** How one figure is measured. */
export interface BenchPlan {
  /** Unmeasured rounds first (JIT, caches). Default 3. */
  warmupRounds?: number;
  /** Measured rounds; the median is reported. Default 9. */
  rounds?: number;
  /** Wall time aimed at per round; iterations are calibrated to it. Default 60 ms. */
  roundMs?: number;
}

/** Median and spread of one measured operation. */
export interface BenchFigure {
  /** Median over rounds, ns per operation. */
  nsPerOp: number;
  /** Fastest and slowest round, ns per operation (the spread to read the median with). */
  minNsPerOp: number;
  maxNsPerOp: number;
  /** Iterations per round. */
  iterations: number;
  rounds: number;
}

function timeRoundNs(body: BenchBody, iterations: number): number {
  const t0 = performance.now();
  body(iterations);
  return (performance.now() - t0) * 1e6;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Measures `body` in ns per operation: calibrate, warm up, then the median of `rounds` rounds. */
export function measure(body: BenchBody, plan: BenchPlan = {}): BenchFigure {
  const roundNs = (plan.roundMs ?? 60) * 1e6;
  let iterations = 1_000;
  // Calibrate: grow until a round is long enough to time precisely, then scale to the target.
  for (;;) {
    const ns = timeRoundNs(body, iterations);
    if (ns > roundNs / 10 || iterations >= 1e8) {
      iterations = Math.max(1_000, Math.round((iterations * roundNs) / Math.max(ns, 1)));
      break;
    }
    iterations *= 10;
  }
  // Warm up, then re-size rounds from the fastest warm-up round: one stalled
  // calibration round (GC, a busy machine) must not leave the rounds too short to time.
  let fastestNsPerOp = Infinity;
  for (let i = 0; i < (plan.warmupRounds ?? 3); i++) fastestNsPerOp = Math.min(fastestNsPerOp, timeRoundNs(body, iterations) / iterations);
  if (Number.isFinite(fastestNsPerOp)) iterations = Math.max(1_000, Math.round(roundNs / Math.max(fastestNsPerOp, 0.01)));
  const perOp: number[] = [];
  const rounds = plan.rounds ?? 9;
  for (let i = 0; i < rounds; i++) perOp.push(timeRoundNs(body, iterations) / iterations);
  return { nsPerOp: median(perOp), minNsPerOp: Math.min(...perOp), maxNsPerOp: Math.max(...perOp), iterations, rounds };
}

/** One line of a comparison table. */
export interface ComparisonRow {
  label: string;
  /** The figure, already formatted with its unit. */
  value: string;
  /** Ratio to the reference row (ours / peer, or value / reference), formatted. */
  ratio?: string;
  /** The target this figure is held to, and whether it was met. */
  target?: string;
  met?: boolean;
}

/** Prints a titled table of rows with aligned columns; `ratioHeader` names the third column. */
export function printTable(title: string, rows: readonly ComparisonRow[], note?: string, ratioHeader = 'ratio'): void {
  const header = ['', 'figure', ratioHeader, 'target'];
  const cells = rows.map((r) => [
    r.label,
    r.value,
    r.ratio ?? '',
    r.target === undefined ? '' : `${r.target} ${r.met === undefined ? '' : r.met ? '[met]' : '[MISSED]'}`.trimEnd(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (i === 0 || i === 3 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(`\n## ${title}`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
  if (note !== undefined) console.log(note);
}

/** `12.3 ns/op` with the spread of rounds. */
export function formatNsPerOp(f: BenchFigure): string {
  return `${f.nsPerOp.toFixed(1)} ns/op (${f.minNsPerOp.toFixed(1)}-${f.maxNsPerOp.toFixed(1)})`;
}

/** `0.23x`. */
export function formatRatio(ratio: number): string {
  return `${ratio < 0.1 ? ratio.toFixed(3) : ratio.toFixed(2)}x`;
}

/** Measures an async body (awaited once per operation) in ns per operation, median of rounds. */
export async function measureAsync(op: () => Promise<unknown>, plan: BenchPlan = {}): Promise<BenchFigure> {
  const roundNs = (plan.roundMs ?? 60) * 1e6;
  const timeRound = async (iterations: number): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await op();
    return (performance.now() - t0) * 1e6;
  };
  const probeNs = await timeRound(3);
  const iterations = Math.max(3, Math.round((3 * roundNs) / Math.max(probeNs, 1)));
  for (let i = 0; i < (plan.warmupRounds ?? 3); i++) await timeRound(iterations);
  const perOp: number[] = [];
  const rounds = plan.rounds ?? 9;
  for (let i = 0; i < rounds; i++) perOp.push((await timeRound(iterations)) / iterations);
  return { nsPerOp: median(perOp), minNsPerOp: Math.min(...perOp), maxNsPerOp: Math.max(...perOp), iterations, rounds };
}

/** A figure held to a target, collected by run-all for the closing summary. */
export interface TargetCheck {
  /** What was measured, e.g. `window recordNs / Histogram.observe`. */
  name: string;
  /** The figure as printed. */
  figure: string;
  /** The target as printed. */
  target: string;
  met: boolean;
}

/** What a benchmark module's `run()` may return: its target checks (or nothing). */
export type BenchResult = TargetCheck[] | void;

/**
 * Thrown (or rejected) by a benchmark whose peer is not available here (a
 * missing binary or package); run-all prints it as skipped, not failed.
 */
export class BenchPeerMissing extends Error {
  /** Stable code run-all matches on. */
  readonly code = 'BENCH_PEER_MISSING';
}
