import type { HostAuditContext } from './audit-context.js';
import { isolatedCpus } from './cpu-checks.js';
import { finding, notApplicable, type CheckResult } from './finding.js';
import { formatCpuList, parseCpuList } from './host-files.js';

const NIC_IRQ = /\b(eth\d|en[ops]\w+|ens\w+|mlx\d|mlx5|ixgbe|i40e|ice|bnxt|ena|virtio\d+-input|virtio\d+-output|efa)/;

/** True when a process named `name` runs (scans /proc/<pid>/comm). */
function processRunning(ctx: HostAuditContext, name: string): boolean | undefined {
  const pids = ctx.files.list('proc').filter((d) => /^\d+$/.test(d));
  if (pids.length === 0) return undefined;
  return pids.some((p) => ctx.files.read(`proc/${p}/comm`) === name);
}

/** NIC interrupt affinity against the engine's cores, and irqbalance. */
export function irqChecks(ctx: HostAuditContext): CheckResult[] {
  const out: CheckResult[] = [];
  const interrupts = ctx.files.read('proc/interrupts');
  if (interrupts === undefined) out.push(notApplicable('irq.nic_affinity', 'irq', '/proc/interrupts is not readable'));
  else if (ctx.engineCpus === undefined) out.push(notApplicable('irq.nic_affinity', 'irq', 'engine CPUs unknown'));
  else {
    const nicIrqs: { irq: string; name: string; cpus: number[] }[] = [];
    for (const line of interrupts.split('\n')) {
      const m = /^\s*(\d+):/.exec(line);
      if (m === null || !NIC_IRQ.test(line)) continue;
      const cpus = parseCpuList(ctx.files.read(`proc/irq/${m[1]}/smp_affinity_list`));
      if (cpus !== undefined) nicIrqs.push({ irq: m[1]!, name: NIC_IRQ.exec(line)![1]!, cpus });
    }
    if (nicIrqs.length === 0) out.push(notApplicable('irq.nic_affinity', 'irq', 'no NIC interrupt lines found in /proc/interrupts'));
    else {
      const engine = new Set(ctx.engineCpus);
      const isolated = isolatedCpus(ctx);
      // An engine allowed on every CPU overlaps everything; the finding only matters once the engine is pinned.
      const pinned = isolated.length > 0 || ctx.engineCpus.length < ctx.files.list('sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length;
      const overlapping = nicIrqs.filter((q) => q.cpus.some((c) => engine.has(c)));
      const ev = Object.fromEntries(nicIrqs.slice(0, 16).map((q) => [`irq ${q.irq} (${q.name}) smp_affinity_list`, formatCpuList(q.cpus)]));
      if (!pinned) out.push(notApplicable('irq.nic_affinity', 'irq', 'the engine is not pinned, so any IRQ placement overlaps it'));
      else
        out.push(
          overlapping.length > 0
            ? finding('irq.nic_affinity', 'irq', 'high', `${overlapping.length} NIC interrupts can land on the engine's cores`,
                { ...ev, engine_cpus: formatCpuList(ctx.engineCpus) },
                'A NIC interrupt and its softirq preempt the engine thread on the same core: tens of µs per burst of packets.',
                'Move NIC IRQs to housekeeping cores on the NIC\'s NUMA node (echo <cpus> > /proc/irq/N/smp_affinity_list) and keep irqbalance off those cores.')
            : finding('irq.nic_affinity', 'irq', 'info', 'NIC interrupts stay off the engine\'s cores', ev, 'None.', 'None.'),
        );
    }
  }

  const running = processRunning(ctx, 'irqbalance');
  if (running === undefined) out.push(notApplicable('irq.irqbalance', 'irq', 'process list not readable'));
  else if (running) {
    const isolated = isolatedCpus(ctx);
    out.push(
      finding('irq.irqbalance', 'irq', isolated.length > 0 ? 'medium' : 'low', 'irqbalance is running', { irqbalance: true, isolated: formatCpuList(isolated) },
        'irqbalance moves interrupts every few seconds; unless banned from the engine cores it can place a NIC queue on them.',
        'Stop irqbalance and set affinities by hand, or set IRQBALANCE_BANNED_CPULIST to the engine cores.'),
    );
  } else out.push(finding('irq.irqbalance', 'irq', 'info', 'irqbalance is not running', { irqbalance: false }, 'None.', 'None.'));
  return out;
}
