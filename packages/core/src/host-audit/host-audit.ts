import { makeAuditContext, type HostAuditOptions } from './audit-context.js';
import { clockChecks, runtimeChecks } from './clock-runtime-checks.js';
import { cpuChecks } from './cpu-checks.js';
import { bySeverity, type CheckResult } from './finding.js';
import { irqChecks } from './irq-checks.js';
import { kernelChecks } from './kernel-checks.js';
import { memoryChecks } from './memory-checks.js';
import { networkChecks } from './network-checks.js';
import { numaChecks } from './numa-checks.js';

/*
 * Severity rules, one table for every check (docs/host-audit.md has the same table):
 * - critical: the guard's decisions cannot be trusted (clock unsynchronised).
 * - high: a measured p99/p99.9 effect on every burst (engine outside isolated cores, NIC IRQs on engine cores,
 *   non-performance governor, engine spanning NUMA nodes, THP defrag always, swap in use, slow clocksource,
 *   Nagle on FIX sockets, clock error > 1 ms, event-loop p99 or GC pause > 50 ms).
 * - medium: occasional stalls of tens of µs to ms (no isolation, deep C-states, irqbalance with isolation, NUMA
 *   balancing, NIC on another node, THP always, zone reclaim, NIC coalescing, event-loop p99 or GC pause > 10 ms).
 * - low: µs-scale jitter or risk (SMT, partial isolation, timer migration, watchdogs, swappiness, small buffers,
 *   threadpool and heap defaults, paravirtual clocksource).
 * - info: measured and fine, or context (kernel version, busy polling state).
 */


/** Runs every host check and returns the results, most severe first. */
export function auditHost(options: HostAuditOptions = {}): CheckResult[] {
  const ctx = makeAuditContext(options);
  const checks = [cpuChecks, irqChecks, numaChecks, memoryChecks, kernelChecks, networkChecks, clockChecks, runtimeChecks];
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push(...check(ctx));
    } catch (err) {
      // A check that trips on an odd host must not end the audit.
      results.push({ id: `${check.name}.error`, area: 'kernel', status: 'not_applicable', reason: `check failed: ${(err as Error).message}` });
    }
  }
  return results.sort(bySeverity);
}
