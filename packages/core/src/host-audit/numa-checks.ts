import type { HostAuditContext } from './audit-context.js';
import { finding, notApplicable, type CheckResult } from './finding.js';
import { formatCpuList, parseCpuList } from './host-files.js';

/** NUMA topology, engine CPUs spanning nodes, the NIC's node and automatic NUMA balancing. */
export function numaChecks(ctx: HostAuditContext): CheckResult[] {
  const out: CheckResult[] = [];
  const nodes = new Map<number, number[]>();
  for (const d of ctx.files.list('sys/devices/system/node')) {
    const m = /^node(\d+)$/.exec(d);
    const cpus = m === null ? undefined : parseCpuList(ctx.files.read(`sys/devices/system/node/${d}/cpulist`));
    if (m !== null && cpus !== undefined) nodes.set(Number(m[1]), cpus);
  }
  if (nodes.size <= 1) {
    const why = nodes.size === 0 ? 'no NUMA information in sysfs' : 'a single NUMA node';
    out.push(notApplicable('numa.engine_span', 'numa', why));
    out.push(notApplicable('numa.nic_node', 'numa', why));
    out.push(notApplicable('numa.balancing', 'numa', why));
    return out;
  }
  const ev = Object.fromEntries([...nodes].map(([n, c]) => [`node${n} cpulist`, formatCpuList(c)]));
  const engineNodes = new Set<number>();
  if (ctx.engineCpus === undefined) out.push(notApplicable('numa.engine_span', 'numa', 'engine CPUs unknown'));
  else {
    for (const c of ctx.engineCpus) for (const [n, cpus] of nodes) if (cpus.includes(c)) engineNodes.add(n);
    out.push(
      engineNodes.size > 1
        ? finding('numa.engine_span', 'numa', 'high', `The engine's CPUs span ${engineNodes.size} NUMA nodes`,
            { ...ev, engine_cpus: formatCpuList(ctx.engineCpus) },
            'A thread that migrates across nodes reads its memory remotely (≈ 1.5-2x latency) and loses its caches.',
            'Pin the engine to the cores of one node and bind its memory there (numactl --cpunodebind=N --membind=N).')
        : finding('numa.engine_span', 'numa', 'info', 'The engine stays on one NUMA node', { ...ev, engine_cpus: formatCpuList(ctx.engineCpus) }, 'None.', 'None.'),
    );
  }
  const nicNodes: Record<string, number> = {};
  for (const iface of ctx.files.list('sys/class/net')) {
    const n = ctx.files.readInt(`sys/class/net/${iface}/device/numa_node`);
    if (n !== undefined && n >= 0) nicNodes[`${iface} numa_node`] = n;
  }
  if (Object.keys(nicNodes).length === 0 || engineNodes.size === 0) out.push(notApplicable('numa.nic_node', 'numa', 'NIC NUMA node unknown'));
  else {
    const far = Object.entries(nicNodes).filter(([, n]) => !engineNodes.has(n));
    out.push(
      far.length > 0
        ? finding('numa.nic_node', 'numa', 'medium', 'A NIC sits on a different NUMA node from the engine', { ...nicNodes, engine_nodes: [...engineNodes].join(',') },
            'Every packet crosses the inter-socket link between the NIC\'s DMA buffers and the engine.',
            'Run the engine on the NIC\'s node (or move the NIC to the engine\'s socket).')
        : finding('numa.nic_node', 'numa', 'info', 'NICs share the engine\'s NUMA node', nicNodes, 'None.', 'None.'),
    );
  }
  const bal = ctx.files.read('proc/sys/kernel/numa_balancing');
  if (bal === undefined) out.push(notApplicable('numa.balancing', 'numa', 'kernel.numa_balancing not present'));
  else
    out.push(
      bal !== '0'
        ? finding('numa.balancing', 'numa', 'medium', 'Automatic NUMA balancing is on', { 'kernel.numa_balancing': bal },
            'The kernel unmaps pages to sample accesses and migrates them: page faults and migrations on the hot path.',
            'sysctl -w kernel.numa_balancing=0 and bind memory explicitly.')
        : finding('numa.balancing', 'numa', 'info', 'Automatic NUMA balancing is off', { 'kernel.numa_balancing': bal }, 'None.', 'None.'),
    );
  return out;
}
