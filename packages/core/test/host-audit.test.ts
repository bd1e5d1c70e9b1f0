import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { auditHost, type CheckResult, type Finding } from '@tailguard/core';
import { TUNED_HOST, UNTUNED_HOST, writeHostTree } from './support/host-fixtures.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const tree = (files: Record<string, string>): string => {
  const r = writeHostTree(files);
  roots.push(r);
  return r;
};
const byId = (rs: CheckResult[]): Map<string, CheckResult> => new Map(rs.map((r) => [r.id, r]));
const severityOf = (rs: Map<string, CheckResult>, id: string): string => {
  const r = rs.get(id);
  if (r === undefined) throw new Error(`no result ${id}`);
  return r.status === 'finding' ? r.severity : 'n/a';
};

const common = {
  env: { UV_THREADPOOL_SIZE: '16' },
  execArgv: ['--max-semi-space-size=64'],
  nodeVersion: 'v20.20.2',
};

describe('host audit on fixture trees', () => {
  it('finds nothing above info on a well-tuned host', () => {
    const rs = auditHost({
      ...common,
      root: tree(TUNED_HOST),
      skew: { synchronized: true, maxErrorUs: 80, reason: 'ok' },
      fixSockets: [{ session: 'LP1', noDelay: true }],
      runtime: { eventLoopDelayP99Ns: 2e6, gcPauseMaxNs: 3e6 },
      ethtool: () => undefined,
    });
    const problems = rs.filter((r): r is Finding => r.status === 'finding' && r.severity !== 'info');
    expect(problems.map((p) => `${p.id}:${p.severity}`)).toEqual([]);
    const m = byId(rs);
    expect(severityOf(m, 'cpu.affinity')).toBe('info');
    expect(severityOf(m, 'numa.engine_span')).toBe('info');
    expect(severityOf(m, 'irq.nic_affinity')).toBe('info');
  });

  it('ranks each problem of a badly tuned host by the severity table', () => {
    const rs = auditHost({
      root: tree(UNTUNED_HOST),
      env: {},
      execArgv: [],
      nodeVersion: 'v18.19.0',
      skew: { synchronized: false, maxErrorUs: 0, reason: 'not_synchronised' },
      fixSockets: [{ session: 'LP1', noDelay: false }],
      runtime: { eventLoopDelayP99Ns: 60e6, gcPauseMaxNs: 20e6 },
      ethtool: (args) => (args[0] === '-c' ? 'Adaptive RX: on  TX: on\nrx-usecs: 50\n' : 'generic-receive-offload: on\n'),
    });
    const m = byId(rs);
    const expected: Record<string, string> = {
      'clock.error': 'critical',
      'cpu.isolation': 'medium',
      'cpu.affinity': 'n/a',
      'cpu.smt': 'low',
      'cpu.governor': 'high',
      'cpu.idle': 'medium',
      'irq.nic_affinity': 'n/a',
      'irq.irqbalance': 'low',
      'numa.engine_span': 'high',
      'numa.nic_node': 'info',
      'numa.balancing': 'medium',
      'memory.thp': 'high',
      'memory.swap_in_use': 'high',
      'memory.swappiness': 'low',
      'memory.zone_reclaim': 'medium',
      'kernel.timer_migration': 'low',
      'kernel.watchdog': 'low',
      'kernel.rt_throttling': 'info',
      'kernel.clocksource': 'high',
      'network.buffers': 'low',
      'network.busy_poll': 'info',
      'network.nic_tuning.eth0': 'medium',
      'network.tcp_nodelay': 'high',
      'runtime.node_version': 'high',
      'runtime.threadpool': 'low',
      'runtime.heap_flags': 'low',
      'runtime.event_loop_delay': 'high',
      'runtime.gc_pause': 'medium',
    };
    for (const [id, sev] of Object.entries(expected)) expect(`${id}:${severityOf(m, id)}`).toBe(`${id}:${sev}`);
    expect(rs[0]!.status === 'finding' && rs[0]!.severity).toBe('critical'); // sorted most severe first
    for (const r of rs) if (r.status === 'finding') expect(Object.keys(r.evidence).length).toBeGreaterThan(0);
  });

  it('flags NIC IRQs on a pinned engine core', () => {
    const rs = byId(auditHost({ ...common, root: tree({ ...TUNED_HOST, 'proc/irq/121/smp_affinity_list': '1-2' }) }));
    expect(severityOf(rs, 'irq.nic_affinity')).toBe('high');
    const outside = byId(auditHost({ ...common, root: tree({ ...TUNED_HOST, 'proc/self/status': 'Cpus_allowed_list:\t1-3\n' }) }));
    expect(severityOf(outside, 'cpu.affinity')).toBe('high');
  });

  it('reports "not applicable" for everything missing, never crashing (an empty root, like a locked-down VM)', () => {
    const rs = auditHost({ ...common, root: tree({}) });
    expect(rs.length).toBeGreaterThan(15);
    for (const r of rs) {
      if (r.area === 'runtime') continue; // from the process itself, not files
      expect(r.status, r.id).toBe('not_applicable');
      if (r.status === 'not_applicable') expect(r.reason.length).toBeGreaterThan(5);
    }
  });

  it('completes on this machine with evidence on every finding', () => {
    const rs = auditHost();
    expect(rs.length).toBeGreaterThan(15);
    for (const r of rs) {
      if (r.status === 'finding') {
        expect(Object.keys(r.evidence).length, r.id).toBeGreaterThan(0);
        expect(r.remediation.length).toBeGreaterThan(0);
      }
    }
    expect(rs.some((r) => r.id === 'kernel.clocksource')).toBe(true);
  });
});
