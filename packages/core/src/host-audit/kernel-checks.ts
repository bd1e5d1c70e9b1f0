import type { HostAuditContext } from './audit-context.js';
import { finding, notApplicable, type CheckResult } from './finding.js';

/** Timer migration, watchdogs, RT throttling, clocksource and kernel version. */
export function kernelChecks(ctx: HostAuditContext): CheckResult[] {
  const out: CheckResult[] = [];
  const tm = ctx.files.read('proc/sys/kernel/timer_migration');
  if (tm === undefined) out.push(notApplicable('kernel.timer_migration', 'kernel', 'kernel.timer_migration not present'));
  else
    out.push(
      tm !== '0'
        ? finding('kernel.timer_migration', 'kernel', 'low', 'Timer migration is on', { 'kernel.timer_migration': tm },
            'Timers armed by other cores can be migrated onto the engine cores and fire there.', 'sysctl -w kernel.timer_migration=0.')
        : finding('kernel.timer_migration', 'kernel', 'info', 'Timer migration is off', { 'kernel.timer_migration': tm }, 'None.', 'None.'),
    );
  const wd = ctx.files.read('proc/sys/kernel/watchdog');
  const nmi = ctx.files.read('proc/sys/kernel/nmi_watchdog');
  if (wd === undefined && nmi === undefined) out.push(notApplicable('kernel.watchdog', 'kernel', 'watchdog sysctls not present'));
  else
    out.push(
      wd === '1' || nmi === '1'
        ? finding('kernel.watchdog', 'kernel', 'low', 'Kernel watchdogs are on', { 'kernel.watchdog': wd ?? null, 'kernel.nmi_watchdog': nmi ?? null },
            'The soft-lockup watchdog runs a periodic thread on every core and the NMI watchdog interrupts each core periodically.',
            'On dedicated engine hosts: sysctl -w kernel.watchdog=0 kernel.nmi_watchdog=0 (or nowatchdog nmi_watchdog=0 on the command line).')
        : finding('kernel.watchdog', 'kernel', 'info', 'Kernel watchdogs are off', { 'kernel.watchdog': wd ?? null, 'kernel.nmi_watchdog': nmi ?? null }, 'None.', 'None.'),
    );
  const rt = ctx.files.readInt('proc/sys/kernel/sched_rt_runtime_us');
  if (rt === undefined) out.push(notApplicable('kernel.rt_throttling', 'kernel', 'kernel.sched_rt_runtime_us not present'));
  else
    out.push(
      rt !== -1
        ? finding('kernel.rt_throttling', 'kernel', 'info', `RT throttling is on (sched_rt_runtime_us=${rt})`, { 'kernel.sched_rt_runtime_us': rt },
            'Only matters if the engine runs SCHED_FIFO: it is throttled for the rest of each period after that much CPU time.',
            'If you run the engine with a real-time policy, set kernel.sched_rt_runtime_us=-1 and keep a housekeeping core.')
        : finding('kernel.rt_throttling', 'kernel', 'info', 'RT throttling is off', { 'kernel.sched_rt_runtime_us': rt }, 'None.', 'None.'),
    );
  const cs = ctx.files.read('sys/devices/system/clocksource/clocksource0/current_clocksource');
  const available = ctx.files.read('sys/devices/system/clocksource/clocksource0/available_clocksource');
  if (cs === undefined) out.push(notApplicable('kernel.clocksource', 'kernel', 'clocksource not exposed'));
  else {
    const ev = { current_clocksource: cs, available_clocksource: available ?? null };
    if (cs === 'tsc') out.push(finding('kernel.clocksource', 'kernel', 'info', 'Clocksource is tsc', ev, 'None.', 'None.'));
    else if (cs === 'kvm-clock' || cs === 'arch_sys_counter')
      out.push(finding('kernel.clocksource', 'kernel', 'low', `Clocksource is ${cs}`, ev,
        'Clock reads are still vDSO-fast, but a paravirtual clock can jump on migration.',
        'On bare metal use tsc; on a VM with an invariant TSC consider clocksource=tsc tsc=reliable.'));
    else
      out.push(finding('kernel.clocksource', 'kernel', 'high', `Clocksource is ${cs}, not tsc`, ev,
        `Each timestamp becomes a slow hardware read (${cs}: about 1 µs or more instead of ~20 ns), and the SDK reads the clock twice per measured call.`,
        'Fix the TSC (check dmesg for "tsc unstable"), then boot with clocksource=tsc.'));
  }
  const rel = ctx.files.read('proc/sys/kernel/osrelease');
  if (rel === undefined) out.push(notApplicable('kernel.version', 'kernel', 'kernel.osrelease not readable'));
  else out.push(finding('kernel.version', 'kernel', 'info', `Kernel ${rel}`, { 'kernel.osrelease': rel }, 'None.', 'None.'));
  return out;
}
