import type { HostAuditContext } from './audit-context.js';
import { finding, notApplicable, type CheckResult } from './finding.js';
import { cmdlineParam, formatCpuList, parseCpuList } from './host-files.js';

/** The CPUs isolated from the scheduler (sysfs, else `isolcpus=` on the command line). */
export function isolatedCpus(ctx: HostAuditContext): number[] {
  const sys = parseCpuList(ctx.files.read('sys/devices/system/cpu/isolated'));
  if (sys !== undefined && sys.length > 0) return sys;
  const arg = cmdlineParam(ctx.files.read('proc/cmdline'), 'isolcpus');
  // isolcpus may carry flags: isolcpus=nohz,domain,2-5
  const list = arg?.split(',').filter((p) => /^\d/.test(p)).join(',');
  return parseCpuList(list) ?? [];
}

/** CPU isolation, engine affinity, SMT, frequency governor and idle states. */
export function cpuChecks(ctx: HostAuditContext): CheckResult[] {
  const out: CheckResult[] = [];
  const cmdline = ctx.files.read('proc/cmdline');
  const isolated = isolatedCpus(ctx);
  const nohz = cmdlineParam(cmdline, 'nohz_full');
  const rcu = cmdlineParam(cmdline, 'rcu_nocbs');
  const evidence = {
    'proc/cmdline isolcpus': cmdlineParam(cmdline, 'isolcpus') ?? null,
    'proc/cmdline nohz_full': nohz ?? null,
    'proc/cmdline rcu_nocbs': rcu ?? null,
    'sys/devices/system/cpu/isolated': ctx.files.read('sys/devices/system/cpu/isolated') ?? null,
  };
  if (cmdline === undefined) {
    out.push(notApplicable('cpu.isolation', 'cpu', '/proc/cmdline is not readable'));
  } else if (isolated.length === 0) {
    out.push(
      finding('cpu.isolation', 'cpu', 'medium', 'No CPUs are isolated for the engine', evidence,
        'The engine thread shares cores with every other process and kernel housekeeping: scheduler and softirq preemption show up as p99/p99.9 spikes.',
        'Boot with isolcpus=<cores> nohz_full=<cores> rcu_nocbs=<cores> for the engine cores and pin the engine to them (taskset/cgroups cpuset).'),
    );
  } else if (nohz === undefined || rcu === undefined) {
    out.push(
      finding('cpu.isolation', 'cpu', 'low', 'CPUs are isolated but the timer tick or RCU callbacks still run on them', evidence,
        'Without nohz_full/rcu_nocbs the isolated cores still take a periodic tick and RCU work: a few µs of jitter every tick.',
        'Add nohz_full=<isolated cores> and rcu_nocbs=<isolated cores> to the kernel command line.'),
    );
  } else {
    out.push(finding('cpu.isolation', 'cpu', 'info', `CPUs ${formatCpuList(isolated)} are isolated with nohz_full and rcu_nocbs`, evidence, 'None.', 'None.'));
  }

  if (ctx.engineCpus === undefined) {
    out.push(notApplicable('cpu.affinity', 'cpu', `Cpus_allowed_list of /proc/${ctx.pid}/status is not readable`));
  } else if (isolated.length === 0) {
    out.push(notApplicable('cpu.affinity', 'cpu', 'no isolated CPUs to pin to'));
  } else {
    const outside = ctx.engineCpus.filter((c) => !isolated.includes(c));
    const ev = { Cpus_allowed_list: formatCpuList(ctx.engineCpus), isolated: formatCpuList(isolated) };
    out.push(
      outside.length > 0
        ? finding('cpu.affinity', 'cpu', 'high', 'The engine may run outside the isolated CPUs', ev,
            `The engine can be scheduled on ${formatCpuList(outside)}, shared with other work, so isolation does not protect it.`,
            'Pin the engine to the isolated cores: taskset -c <isolated> node ..., or a cpuset cgroup.')
        : finding('cpu.affinity', 'cpu', 'info', 'The engine is pinned inside the isolated CPUs', ev, 'None.', 'None.'),
    );
  }

  const smt = ctx.files.read('sys/devices/system/cpu/smt/active');
  if (smt === undefined) out.push(notApplicable('cpu.smt', 'cpu', 'sys/devices/system/cpu/smt/active is absent'));
  else if (smt === '1') {
    out.push(finding('cpu.smt', 'cpu', 'low', 'Simultaneous multithreading (hyper-threading) is on', { 'smt/active': smt },
      'A sibling hyper-thread shares the core\'s execution units and caches with the engine thread: its load becomes engine latency.',
      'Disable SMT (nosmt on the command line or echo off > /sys/devices/system/cpu/smt/control), or keep the engine core\'s sibling idle.'));
  } else out.push(finding('cpu.smt', 'cpu', 'info', 'SMT is off', { 'smt/active': smt }, 'None.', 'None.'));

  const cpus = ctx.files.list('sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d));
  const governors = new Map<string, string>();
  for (const c of cpus) {
    const g = ctx.files.read(`sys/devices/system/cpu/${c}/cpufreq/scaling_governor`);
    if (g !== undefined) governors.set(c, g);
  }
  if (governors.size === 0) out.push(notApplicable('cpu.governor', 'cpu', 'no cpufreq (typical of a VM: the hypervisor sets frequency)'));
  else {
    const slow = [...governors].filter(([, g]) => g !== 'performance');
    const ev = Object.fromEntries([...governors].slice(0, 16).map(([c, g]) => [`${c}/cpufreq/scaling_governor`, g]));
    out.push(
      slow.length > 0
        ? finding('cpu.governor', 'cpu', 'high', `${slow.length} of ${governors.size} CPUs do not use the performance governor`, ev,
            'Frequency ramps after idle add tens of µs to the first instructions of a burst: the 2x/5x replay shows it.',
            'Set the performance governor (cpupower frequency-set -g performance) and make it persistent (tuned latency-performance profile).')
        : finding('cpu.governor', 'cpu', 'info', 'Every CPU uses the performance governor', ev, 'None.', 'None.'),
    );
  }

  const states = ctx.files.list('sys/devices/system/cpu/cpu0/cpuidle').filter((d) => /^state\d+$/.test(d));
  if (states.length === 0) out.push(notApplicable('cpu.idle', 'cpu', 'no cpuidle states exposed'));
  else {
    const deep: string[] = [];
    const ev: Record<string, string | number | null> = {};
    for (const s of states) {
      const base = `sys/devices/system/cpu/cpu0/cpuidle/${s}`;
      const name = ctx.files.read(`${base}/name`) ?? s;
      const latencyUs = ctx.files.readInt(`${base}/latency`) ?? 0;
      const disabled = ctx.files.read(`${base}/disable`) === '1';
      ev[`${s} ${name} latency_us`] = latencyUs;
      if (latencyUs > 10 && !disabled) deep.push(`${name} (${latencyUs} µs)`);
    }
    ev['intel_idle.max_cstate'] = cmdlineParam(cmdline, 'intel_idle.max_cstate') ?? null;
    out.push(
      deep.length > 0
        ? finding('cpu.idle', 'cpu', 'medium', 'Deep C-states are enabled', ev,
            `Waking from ${deep.join(', ')} adds that exit latency to the first packet after a quiet period.`,
            'Limit C-states for the engine cores (intel_idle.max_cstate=1 processor.max_cstate=1, or disable the states in sysfs / a PM QoS request).')
        : finding('cpu.idle', 'cpu', 'info', 'No deep C-state is enabled', ev, 'None.', 'None.'),
    );
  }
  return out;
}
