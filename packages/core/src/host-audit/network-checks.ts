import type { HostAuditContext } from './audit-context.js';
import { finding, notApplicable, type CheckResult } from './finding.js';

const BUFFER_MIN_BYTES = 16 * 1024 * 1024;

/** Socket buffer limits, busy polling, NIC offloads/coalescing (ethtool) and TCP_NODELAY on FIX sockets. */
export function networkChecks(ctx: HostAuditContext): CheckResult[] {
  const out: CheckResult[] = [];
  const rmem = ctx.files.readInt('proc/sys/net/core/rmem_max');
  const wmem = ctx.files.readInt('proc/sys/net/core/wmem_max');
  if (rmem === undefined || wmem === undefined) out.push(notApplicable('network.buffers', 'network', 'net.core.rmem_max/wmem_max not readable'));
  else {
    const ev = { 'net.core.rmem_max': rmem, 'net.core.wmem_max': wmem };
    out.push(
      rmem < BUFFER_MIN_BYTES || wmem < BUFFER_MIN_BYTES
        ? finding('network.buffers', 'network', 'low', 'Socket buffer limits are below 16 MiB', ev,
            'A market-data burst can overflow a small receive buffer (drops, retransmits) before the engine reads it.',
            'sysctl -w net.core.rmem_max=16777216 net.core.wmem_max=16777216 and size the sockets explicitly.')
        : finding('network.buffers', 'network', 'info', 'Socket buffer limits are at least 16 MiB', ev, 'None.', 'None.'),
    );
  }
  const busyRead = ctx.files.readInt('proc/sys/net/core/busy_read');
  const busyPoll = ctx.files.readInt('proc/sys/net/core/busy_poll');
  if (busyRead === undefined || busyPoll === undefined) out.push(notApplicable('network.busy_poll', 'network', 'busy_read/busy_poll not readable'));
  else
    out.push(
      finding('network.busy_poll', 'network', 'info', busyRead === 0 && busyPoll === 0 ? 'Busy polling is off' : `Busy polling is on (${busyRead}/${busyPoll} µs)`,
        { 'net.core.busy_read': busyRead, 'net.core.busy_poll': busyPoll },
        busyRead === 0 && busyPoll === 0 ? 'Receive goes through interrupt + softirq wake-up (typically 5-20 µs more than busy polling).' : 'None.',
        busyRead === 0 && busyPoll === 0 ? 'Consider net.core.busy_read=50 and busy_poll=50 on dedicated engine cores; measure with the load replay first.' : 'None.'),
    );
  if (ctx.ethtool === undefined) out.push(notApplicable('network.nic_tuning', 'network', 'ethtool is not installed'));
  else {
    const ifaces = ctx.files.list('sys/class/net').filter((i) => i !== 'lo' && ctx.files.read(`sys/class/net/${i}/device/vendor`) !== undefined);
    if (ifaces.length === 0) out.push(notApplicable('network.nic_tuning', 'network', 'no physical NIC found'));
    for (const iface of ifaces) {
      const coalesce = ctx.ethtool(['-c', iface]);
      const offload = ctx.ethtool(['-k', iface]);
      const rxUsecs = coalesce === undefined ? undefined : /^rx-usecs:\s*(\d+)/m.exec(coalesce)?.[1];
      const adaptive = coalesce === undefined ? undefined : /Adaptive RX:\s*(\w+)/.exec(coalesce)?.[1];
      const gro = offload === undefined ? undefined : /^generic-receive-offload:\s*(\w+)/m.exec(offload)?.[1];
      const ev = { iface, 'rx-usecs': rxUsecs === undefined ? null : Number(rxUsecs), 'adaptive-rx': adaptive ?? null, gro: gro ?? null };
      if (rxUsecs === undefined && gro === undefined) out.push(notApplicable(`network.nic_tuning.${iface}`, 'network', `ethtool gave no coalescing/offload data for ${iface}`));
      else if (Number(rxUsecs ?? 0) > 0 || adaptive === 'on' || gro === 'on')
        out.push(finding(`network.nic_tuning.${iface}`, 'network', 'medium', `${iface} batches receives (interrupt coalescing or GRO)`, ev,
          'Coalescing holds packets for up to rx-usecs before interrupting; GRO merges segments: throughput for latency.',
          `ethtool -C ${iface} adaptive-rx off rx-usecs 0; ethtool -K ${iface} gro off (measure: it costs CPU).`));
      else out.push(finding(`network.nic_tuning.${iface}`, 'network', 'info', `${iface} delivers packets without coalescing`, ev, 'None.', 'None.'));
    }
  }
  if (ctx.fixSockets === undefined || ctx.fixSockets.length === 0) out.push(notApplicable('network.tcp_nodelay', 'network', 'no FIX sockets reported by the engine'));
  else {
    const off = ctx.fixSockets.filter((s) => !s.noDelay);
    const ev = Object.fromEntries(ctx.fixSockets.map((s) => [`${s.session} TCP_NODELAY`, s.noDelay]));
    out.push(
      off.length > 0
        ? finding('network.tcp_nodelay', 'network', 'high', `${off.length} FIX sockets have Nagle's algorithm on`, ev,
            'Nagle holds a small order until the previous segment is acknowledged: up to one round trip (or the 40 ms delayed-ACK timer) per order.',
            'socket.setNoDelay(true) on every FIX socket (the fix package does this for the sessions it opens).')
        : finding('network.tcp_nodelay', 'network', 'info', 'Every FIX socket has TCP_NODELAY', ev, 'None.', 'None.'),
    );
  }
  return out;
}
