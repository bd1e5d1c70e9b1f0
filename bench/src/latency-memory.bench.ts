/**
 * Memory per operation window at the default settings (5 s of 5 slices, 12
 * windows of history, 60 s highest trackable, 3 digits): the window's own
 * `footprintBytes`, and the heap + array-buffer growth measured over 50
 * operations after forced garbage collections.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { LatencyMonitor, SlidingWindow } from '@tailguard/core';
import { printTable, type TargetCheck } from './bench-harness.js';

const OPERATIONS = 50;
const TARGET_BYTES = 1_000_000;

function collectGarbage(): () => void {
  // Exposes gc() without a command-line flag: `pnpm bench` runs plain `node`.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

function usedBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs the memory benchmark and returns its target check. */
export async function run(): Promise<TargetCheck[]> {
  const gc = collectGarbage();
  const footprint = new SlidingWindow().footprintBytes;
  const monitor = new LatencyMonitor({ operationsMax: OPERATIONS + 1 });
  gc();
  const before = usedBytes();
  for (let i = 0; i < OPERATIONS; i++) monitor.operation(`memory_op_${i}`).recordNs(1_000 + i);
  gc();
  const measuredPerOp = (usedBytes() - before) / OPERATIONS;
  monitor.close();
  const check: TargetCheck = {
    name: 'memory per operation window (measured)',
    figure: `${(measuredPerOp / 1e3).toFixed(0)} kB`,
    target: '≤ 1 MB',
    met: measuredPerOp <= TARGET_BYTES && footprint <= TARGET_BYTES,
  };
  printTable('Memory per operation window, default settings', [
    { label: 'SlidingWindow.footprintBytes', value: `${(footprint / 1e3).toFixed(1)} kB`, target: check.target, met: footprint <= TARGET_BYTES },
    { label: `measured heap + ArrayBuffers / operation (${OPERATIONS} ops)`, value: `${(measuredPerOp / 1e3).toFixed(1)} kB`, target: check.target, met: measuredPerOp <= TARGET_BYTES },
  ]);
  return [check];
}
