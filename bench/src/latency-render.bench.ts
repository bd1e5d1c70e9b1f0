/**
 * Scrape cost: `registry.metrics()` with 20 operations registered through
 * `registerLatencyPrometheus` (cumulative histogram, window quantiles, worst
 * p99, counters per operation), beside a prom-client Histogram with the same
 * 24 bucket bounds and 20 label values on its own registry.
 */
import { DEFAULT_LATENCY_BOUNDS_NS, LatencyMonitor, ManualClock, registerLatencyPrometheus } from '@tailguard/core';
import { Histogram, Registry } from 'prom-client';
import { measureAsync, printTable, type TargetCheck } from './bench-harness.js';
import { latencySamplesNs } from './bench-samples.js';

const OPERATIONS = 20;
const SAMPLES_PER_OPERATION = 10_000;

/** Runs the render benchmark (no target in the issue: reported for the record). */
export async function run(): Promise<TargetCheck[]> {
  const data = latencySamplesNs(SAMPLES_PER_OPERATION, 11);
  // A clock that stands still: every scrape sees the full window (the costly case), and
  // the figure does not depend on whether the 5 s window expired during the rounds.
  const monitor = new LatencyMonitor({ clock: new ManualClock(), autoTick: false });
  const ours = new Registry();
  registerLatencyPrometheus(monitor, ours);
  const peer = new Registry();
  const peerHistogram = new Histogram({
    name: 'peer_latency_seconds', help: 'peer', labelNames: ['operation'], registers: [peer],
    buckets: DEFAULT_LATENCY_BOUNDS_NS.map((b) => b / 1e9),
  });
  for (let o = 0; o < OPERATIONS; o++) {
    const name = `operation_${String(o).padStart(2, '0')}`;
    const op = monitor.operation(name);
    const child = peerHistogram.labels(name);
    for (let i = 0; i < SAMPLES_PER_OPERATION; i++) {
      op.recordNs(data[i]!);
      child.observe(data[i]! / 1e9);
    }
  }
  const oursText = await ours.metrics();
  const peerText = await peer.metrics();
  const oursFig = await measureAsync(() => ours.metrics(), { roundMs: 200, rounds: 7 });
  const peerFig = await measureAsync(() => peer.metrics(), { roundMs: 200, rounds: 7 });
  monitor.close();
  const lines = (t: string): number => t.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  printTable(
    `registry.metrics() render time, ${OPERATIONS} operations (µs per scrape, median of rounds)`,
    [
      { label: 'tailguard registerLatencyPrometheus', value: `${(oursFig.nsPerOp / 1e3).toFixed(1)} us, ${lines(oursText)} samples, ${oursText.length} B` },
      {
        label: 'prom-client Histogram, same 24 buckets',
        value: `${(peerFig.nsPerOp / 1e3).toFixed(1)} us, ${lines(peerText)} samples, ${peerText.length} B`,
        ratio: `${(oursFig.nsPerOp / peerFig.nsPerOp).toFixed(2)}x`,
      },
    ],
    'ratio: tailguard / peer; tailguard also renders the live-window quantiles, worst p99 and counters read at scrape time',
  );
  return [];
}
