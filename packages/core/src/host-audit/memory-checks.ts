import type { HostAuditContext } from './audit-context.js';
import { finding, notApplicable, type CheckResult } from './finding.js';
import { selectedChoice } from './host-files.js';

/** Transparent huge pages, swappiness, swap in use and zone reclaim. */
export function memoryChecks(ctx: HostAuditContext): CheckResult[] {
  const out: CheckResult[] = [];
  const enabled = selectedChoice(ctx.files.read('sys/kernel/mm/transparent_hugepage/enabled'));
  const defrag = selectedChoice(ctx.files.read('sys/kernel/mm/transparent_hugepage/defrag'));
  if (enabled === undefined) out.push(notApplicable('memory.thp', 'memory', 'transparent huge pages not exposed'));
  else {
    const ev = { 'transparent_hugepage/enabled': enabled, 'transparent_hugepage/defrag': defrag ?? null };
    if (defrag === 'always' && enabled !== 'never')
      out.push(finding('memory.thp', 'memory', 'high', 'THP defrag is "always": allocations may compact memory synchronously', ev,
        'Direct compaction stalls the allocating thread for milliseconds; V8 heap growth on the engine thread hits it.',
        'echo never > /sys/kernel/mm/transparent_hugepage/defrag (or defer/madvise); set enabled to madvise or never.'));
    else if (enabled === 'always')
      out.push(finding('memory.thp', 'memory', 'medium', 'THP is enabled for every mapping', ev,
        'khugepaged collapses pages in the background and memory use grows; latency-sensitive heaps see occasional stalls.',
        'echo madvise > /sys/kernel/mm/transparent_hugepage/enabled.'));
    else out.push(finding('memory.thp', 'memory', 'info', `THP enabled=${enabled}, defrag=${defrag ?? 'unknown'}`, ev, 'None.', 'None.'));
  }
  const swappiness = ctx.files.readInt('proc/sys/vm/swappiness');
  const meminfo = ctx.files.read('proc/meminfo');
  const kb = (k: string): number | undefined => {
    const m = meminfo === undefined ? null : new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(meminfo);
    return m === null ? undefined : Number(m[1]);
  };
  const swapTotal = kb('SwapTotal');
  const swapFree = kb('SwapFree');
  if (swapTotal !== undefined && swapFree !== undefined && swapTotal - swapFree > 0) {
    out.push(finding('memory.swap_in_use', 'memory', 'high', `${Math.round((swapTotal - swapFree) / 1024)} MiB of swap in use`,
      { SwapTotal_kB: swapTotal, SwapFree_kB: swapFree, 'vm.swappiness': swappiness ?? null },
      'A page of the engine that was swapped out costs a disk read (milliseconds) when touched.',
      'Add memory or remove swap (swapoff -a); mlock the engine if it must coexist with swap.'));
  } else if (swapTotal === undefined) out.push(notApplicable('memory.swap_in_use', 'memory', '/proc/meminfo not readable'));
  else out.push(finding('memory.swap_in_use', 'memory', 'info', 'No swap in use', { SwapTotal_kB: swapTotal, SwapFree_kB: swapFree ?? null }, 'None.', 'None.'));
  if (swappiness === undefined) out.push(notApplicable('memory.swappiness', 'memory', 'vm.swappiness not readable'));
  else
    out.push(
      swappiness > 10 && (swapTotal ?? 0) > 0
        ? finding('memory.swappiness', 'memory', 'low', `vm.swappiness is ${swappiness}`, { 'vm.swappiness': swappiness, SwapTotal_kB: swapTotal ?? null },
            'The kernel will swap out idle engine pages to keep page cache.', 'sysctl -w vm.swappiness=1 (or 0) on engine hosts.')
        : finding('memory.swappiness', 'memory', 'info', `vm.swappiness is ${swappiness}${(swapTotal ?? 0) === 0 ? ' (no swap configured)' : ''}`, { 'vm.swappiness': swappiness }, 'None.', 'None.'),
    );
  const zr = ctx.files.readInt('proc/sys/vm/zone_reclaim_mode');
  if (zr === undefined) out.push(notApplicable('memory.zone_reclaim', 'memory', 'vm.zone_reclaim_mode not readable'));
  else
    out.push(
      zr !== 0
        ? finding('memory.zone_reclaim', 'memory', 'medium', `vm.zone_reclaim_mode is ${zr}`, { 'vm.zone_reclaim_mode': zr },
            'The kernel reclaims local memory synchronously before allocating remotely: allocation stalls.', 'sysctl -w vm.zone_reclaim_mode=0.')
        : finding('memory.zone_reclaim', 'memory', 'info', 'Zone reclaim is off', { 'vm.zone_reclaim_mode': zr }, 'None.', 'None.'),
    );
  return out;
}
