import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Writes a fake /proc + /sys tree from a path → contents map; returns its root. */
export function writeHostTree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tg-host-'));
  for (const [p, content] of Object.entries(files)) {
    const full = path.join(root, p);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, `${content}\n`);
  }
  return root;
}

const cpus = (n: number, f: (c: number) => Record<string, string>): Record<string, string> =>
  Object.assign({}, ...Array.from({ length: n }, (_, c) => f(c)));

/** A dual-socket host tuned for a latency-sensitive engine pinned to cores 2-3 of node 0. */
export const TUNED_HOST: Record<string, string> = {
  'proc/cmdline': 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 isolcpus=2-3 nohz_full=2-3 rcu_nocbs=2-3 intel_idle.max_cstate=1',
  'proc/self/status': 'Name:\tnode\nCpus_allowed_list:\t2-3\n',
  'sys/devices/system/cpu/isolated': '2-3',
  'sys/devices/system/cpu/smt/active': '0',
  ...cpus(8, (c) => ({ [`sys/devices/system/cpu/cpu${c}/cpufreq/scaling_governor`]: 'performance' })),
  'sys/devices/system/cpu/cpu0/cpuidle/state0/name': 'POLL',
  'sys/devices/system/cpu/cpu0/cpuidle/state0/latency': '0',
  'sys/devices/system/cpu/cpu0/cpuidle/state1/name': 'C1',
  'sys/devices/system/cpu/cpu0/cpuidle/state1/latency': '2',
  'sys/devices/system/cpu/cpu0/cpuidle/state2/name': 'C6',
  'sys/devices/system/cpu/cpu0/cpuidle/state2/latency': '133',
  'sys/devices/system/cpu/cpu0/cpuidle/state2/disable': '1',
  'proc/interrupts': '           CPU0       CPU1\n 120:   1000   0   IR-PCI-MSI  eth0-TxRx-0\n 121:   10   0   IR-PCI-MSI  eth0-TxRx-1\n',
  'proc/irq/120/smp_affinity_list': '0',
  'proc/irq/121/smp_affinity_list': '1',
  'proc/1/comm': 'systemd',
  'proc/77/comm': 'sshd',
  'sys/devices/system/node/node0/cpulist': '0-3',
  'sys/devices/system/node/node1/cpulist': '4-7',
  'sys/class/net/eth0/device/numa_node': '0',
  'sys/class/net/eth0/device/vendor': '0x8086',
  'proc/sys/kernel/numa_balancing': '0',
  'sys/kernel/mm/transparent_hugepage/enabled': 'always madvise [never]',
  'sys/kernel/mm/transparent_hugepage/defrag': 'always defer defer+madvise madvise [never]',
  'proc/sys/vm/swappiness': '1',
  'proc/meminfo': 'MemTotal:       65000000 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n',
  'proc/sys/vm/zone_reclaim_mode': '0',
  'proc/sys/kernel/timer_migration': '0',
  'proc/sys/kernel/watchdog': '0',
  'proc/sys/kernel/nmi_watchdog': '0',
  'proc/sys/kernel/sched_rt_runtime_us': '-1',
  'sys/devices/system/clocksource/clocksource0/current_clocksource': 'tsc',
  'sys/devices/system/clocksource/clocksource0/available_clocksource': 'tsc hpet acpi_pm',
  'proc/sys/kernel/osrelease': '6.1.0-rt',
  'proc/sys/net/core/rmem_max': '33554432',
  'proc/sys/net/core/wmem_max': '33554432',
  'proc/sys/net/core/busy_read': '50',
  'proc/sys/net/core/busy_poll': '50',
};

/** The same hardware left at distribution defaults, with the engine spread over both sockets. */
export const UNTUNED_HOST: Record<string, string> = {
  'proc/cmdline': 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet',
  'proc/self/status': 'Name:\tnode\nCpus_allowed_list:\t0-7\n',
  'sys/devices/system/cpu/isolated': '',
  'sys/devices/system/cpu/smt/active': '1',
  ...cpus(8, (c) => ({ [`sys/devices/system/cpu/cpu${c}/cpufreq/scaling_governor`]: 'powersave' })),
  'sys/devices/system/cpu/cpu0/cpuidle/state0/name': 'POLL',
  'sys/devices/system/cpu/cpu0/cpuidle/state0/latency': '0',
  'sys/devices/system/cpu/cpu0/cpuidle/state1/name': 'C6',
  'sys/devices/system/cpu/cpu0/cpuidle/state1/latency': '133',
  'proc/interrupts': '           CPU0       CPU1\n 120:   1000   0   IR-PCI-MSI  eth0-TxRx-0\n',
  'proc/irq/120/smp_affinity_list': '0-7',
  'proc/1/comm': 'systemd',
  'proc/99/comm': 'irqbalance',
  'sys/devices/system/node/node0/cpulist': '0-3',
  'sys/devices/system/node/node1/cpulist': '4-7',
  'sys/class/net/eth0/device/numa_node': '1',
  'sys/class/net/eth0/device/vendor': '0x8086',
  'proc/sys/kernel/numa_balancing': '1',
  'sys/kernel/mm/transparent_hugepage/enabled': '[always] madvise never',
  'sys/kernel/mm/transparent_hugepage/defrag': '[always] defer defer+madvise madvise never',
  'proc/sys/vm/swappiness': '60',
  'proc/meminfo': 'MemTotal:       65000000 kB\nSwapTotal:       8000000 kB\nSwapFree:        7000000 kB\n',
  'proc/sys/vm/zone_reclaim_mode': '1',
  'proc/sys/kernel/timer_migration': '1',
  'proc/sys/kernel/watchdog': '1',
  'proc/sys/kernel/nmi_watchdog': '1',
  'proc/sys/kernel/sched_rt_runtime_us': '950000',
  'sys/devices/system/clocksource/clocksource0/current_clocksource': 'hpet',
  'proc/sys/kernel/osrelease': '5.10.0',
  'proc/sys/net/core/rmem_max': '212992',
  'proc/sys/net/core/wmem_max': '212992',
  'proc/sys/net/core/busy_read': '0',
  'proc/sys/net/core/busy_poll': '0',
};
