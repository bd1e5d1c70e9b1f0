import type { HostAuditContext } from './audit-context.js';
import { finding, notApplicable, type CheckResult } from './finding.js';

/** The clock-error source's state: an unsynchronised clock makes every wall-clock quote age meaningless. */
export function clockChecks(ctx: HostAuditContext): CheckResult[] {
  const s = ctx.skew;
  if (s === undefined) return [notApplicable('clock.error', 'clock', 'no clock-error source configured (pass skew: chronySource.status())')];
  const ev = { synchronized: s.synchronized, max_error_us: Math.round(s.maxErrorUs), reason: s.reason };
  if (!s.synchronized)
    return [finding('clock.error', 'clock', 'critical', `Clock not trusted (${s.reason})`, ev,
      'Quote ages across hosts cannot be judged: the guard answers CLOCK_UNSYNCED (or, without it, checks nonsense).',
      'Fix chrony: a reachable source, `chronyc tracking` showing Normal leap status and a recent Ref time.')];
  if (s.maxErrorUs > 1_000)
    return [finding('clock.error', 'clock', 'high', `Clock error bound is ${(s.maxErrorUs / 1000).toFixed(1)} ms`, ev,
      'A 50 ms gold quote check widened by this error either rejects honest fills (dealer-safe) or lets stale ones through (client-safe).',
      'Use a closer/better NTP source or PTP with hardware timestamping; chrony with minpoll/maxpoll low on a LAN source.')];
  return [finding('clock.error', 'clock', 'info', `Clock error bound is ${Math.round(s.maxErrorUs)} µs`, ev, 'None.', 'None.')];
}

/** Node version, libuv threadpool, heap flags, event-loop delay and GC pauses. */
export function runtimeChecks(ctx: HostAuditContext): CheckResult[] {
  const out: CheckResult[] = [];
  const major = Number(/^v(\d+)/.exec(ctx.nodeVersion)?.[1] ?? 0);
  out.push(
    major < 20
      ? finding('runtime.node_version', 'runtime', 'high', `Node ${ctx.nodeVersion} is below the supported 20`, { node: ctx.nodeVersion },
          'Unsupported and unpatched runtime.', 'Upgrade to Node 20 or 24 LTS.')
      : finding('runtime.node_version', 'runtime', 'info', `Node ${ctx.nodeVersion}`, { node: ctx.nodeVersion }, 'None.', 'None.'),
  );
  const pool = ctx.env.UV_THREADPOOL_SIZE;
  out.push(
    pool === undefined
      ? finding('runtime.threadpool', 'runtime', 'low', 'UV_THREADPOOL_SIZE is not set (4 threads)', { UV_THREADPOOL_SIZE: null },
          'Async crypto (KMS signers, pbkdf2), DNS lookups and fs calls share 4 threads: a burst queues behind them.',
          'Set UV_THREADPOOL_SIZE to the number of concurrent async crypto/fs operations you expect (e.g. 16).')
      : finding('runtime.threadpool', 'runtime', 'info', `UV_THREADPOOL_SIZE=${pool}`, { UV_THREADPOOL_SIZE: pool }, 'None.', 'None.'),
  );
  const heapFlags = [...ctx.execArgv, ...(ctx.env.NODE_OPTIONS ?? '').split(/\s+/)].filter((f) => /--max-(old|semi)-space-size/.test(f));
  out.push(
    heapFlags.length === 0
      ? finding('runtime.heap_flags', 'runtime', 'low', 'No heap sizing flags', { heap_flags: null },
          'With the default small young generation, a high allocation rate means frequent scavenges (each a pause on the engine thread).',
          'Measure GC pauses (runtime_gc_pause window); consider --max-semi-space-size=64 to scavenge less often, and set --max-old-space-size explicitly.')
      : finding('runtime.heap_flags', 'runtime', 'info', `Heap flags: ${heapFlags.join(' ')}`, { heap_flags: heapFlags.join(' ') }, 'None.', 'None.'),
  );
  const r = ctx.runtime;
  if (r?.eventLoopDelayP99Ns === undefined) out.push(notApplicable('runtime.event_loop_delay', 'runtime', 'event-loop delay not measured (monitorRuntimeStalls)'));
  else {
    const ms = r.eventLoopDelayP99Ns / 1e6;
    const sev = ms > 50 ? 'high' : ms > 10 ? 'medium' : 'info';
    out.push(finding('runtime.event_loop_delay', 'runtime', sev, `Event-loop delay p99 is ${ms.toFixed(2)} ms`, { event_loop_delay_p99_ms: Number(ms.toFixed(3)) },
      sev === 'info' ? 'None.' : 'Every callback (an order ack, a quote check) waits this long behind other work on the loop.',
      sev === 'info' ? 'None.' : 'Move heavy synchronous work (JSON of large payloads, crypto, logging) off the engine thread; check GC pauses in the same window.'));
  }
  if (r?.gcPauseMaxNs === undefined) out.push(notApplicable('runtime.gc_pause', 'runtime', 'GC pauses not measured (monitorRuntimeStalls)'));
  else {
    const ms = r.gcPauseMaxNs / 1e6;
    const sev = ms > 50 ? 'high' : ms > 10 ? 'medium' : 'info';
    out.push(finding('runtime.gc_pause', 'runtime', sev, `Longest GC pause is ${ms.toFixed(2)} ms`, { gc_pause_max_ms: Number(ms.toFixed(3)) },
      sev === 'info' ? 'None.' : 'The engine thread stops for the pause: orders and quote checks in flight wait.',
      sev === 'info' ? 'None.' : 'Reduce allocation on the hot path (reuse objects), raise --max-semi-space-size, keep the old generation small.'));
  }
  return out;
}
