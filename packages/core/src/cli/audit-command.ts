import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { finding, notApplicable, type CheckResult } from '../host-audit/finding.js';
import { auditHost } from '../host-audit/host-audit.js';
import { replayLoad } from '../load/load-replay.js';
import { LatencyMonitor } from '../monitor/monitor.js';
import { findObservabilityGaps } from '../report/observability-gaps.js';
import { renderAuditMarkdown, writeAuditPdf, type AuditReportInput, type LatencyRow } from '../report/audit-report.js';
import { monitorRuntimeStalls } from '../runtime/runtime-stalls.js';
import { CLI_EXIT, type CliArgs, type CliCommand, type CliIo } from './cli-command.js';

const HELP = `Usage: tailguard audit [options]

Audits this host and, optionally, a function's latency and a running engine's
observability, then writes a severity-ranked findings report (markdown + PDF).

Host: CPU isolation, IRQs, NUMA, memory, kernel, network, clock, Node runtime,
read from /proc and /sys under --root.

Options:
  --out DIR                 where report.md and report.pdf go (default .)
  --root DIR                filesystem root holding proc/ and sys/ (default /)
  --pid N                   engine process to audit under /proc (default: this one)
  --target FILE#EXPORT      replay this module export at 1x/2x/5x (open loop)
  --tps N                   base rate of the replay (default 1000)
  --duration S              seconds per burst multiplier (default 5)
  --metrics URL             a running engine's /metrics, checked for gaps; its
                            fix_socket_nodelay gauges feed network.tcp_nodelay
  --rules FILE              a Prometheus rules file, checked for gaps
  --scrape-interval-ms N    the scrape interval Prometheus uses for the engine
  --no-pdf                  write only report.md
  -h, --help                show this help

Exit codes: 0 report written (whatever it found); 2 usage error or unreadable input.
`;

function usage(io: CliIo, message: string): number {
  io.stderr.write(`tailguard audit: ${message}\nRun \`tailguard audit --help\` for usage.\n`);
  return CLI_EXIT.usage;
}

function positiveNumber(v: unknown, name: string, fallback: number): number | string {
  if (v === undefined) return fallback;
  const n = Number(v);
  return typeof v === 'string' && v.trim() !== '' && Number.isFinite(n) && n > 0 ? n : `${name} must be a positive number, got ${JSON.stringify(v)}`;
}

async function loadTarget(spec: string): Promise<{ fn: (i: number) => unknown; name: string } | string> {
  const hash = spec.lastIndexOf('#');
  if (hash <= 0 || hash === spec.length - 1) return `--target must look like ./module.js#exportName, got ${JSON.stringify(spec)}`;
  const file = path.resolve(spec.slice(0, hash));
  const exportName = spec.slice(hash + 1);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    return `cannot import ${file}: ${(err as Error).message}`;
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') return `${file} has no function export named ${JSON.stringify(exportName)}`;
  return { fn: fn as (i: number) => unknown, name: exportName };
}

/** Breaker observability from a running engine's metrics text. */
function failoverFindings(metricsText: string | undefined): CheckResult[] {
  if (metricsText === undefined) return [notApplicable('failover.breaker_metrics', 'failover', 'no /metrics read (pass --metrics URL)')];
  const states = [...metricsText.matchAll(/^tailguard_breaker_state\{route="([^"]+)"\} (\d+)/gm)].map((m) => ({ route: m[1]!, state: Number(m[2]) }));
  const unknown = [...metricsText.matchAll(/^tailguard_order_outcomes_total\{route="([^"]+)",outcome="unknown"\} ([\d.e+]+)/gm)];
  if (states.length === 0)
    return [finding('failover.breaker_metrics', 'failover', 'medium', 'No circuit breaker is observable on the order path', { tailguard_breaker_state: false },
      'When a venue stops answering, orders wait for timeouts one by one and nobody sees the failover (or its absence).',
      'Route orders through OrderRouter (a breaker per route, failover only for provably unsent orders) and register its metrics.')];
  const out: CheckResult[] = [];
  const open = states.filter((s) => s.state === 2);
  out.push(
    open.length > 0
      ? finding('failover.breaker_open', 'failover', 'high', `Breaker open on ${open.map((s) => s.route).join(', ')}`, Object.fromEntries(states.map((s) => [`${s.route} state`, s.state])),
          'Orders to that route fail over or fail fast.', 'Check the venue session; the breaker half-opens by itself.')
      : finding('failover.breaker_open', 'failover', 'info', 'Every breaker is closed or probing', Object.fromEntries(states.map((s) => [`${s.route} state`, s.state])), 'None.', 'None.'),
  );
  const unknownTotal = unknown.reduce((a, m) => a + Number(m[2]), 0);
  out.push(
    unknownTotal > 0
      ? finding('failover.unknown_outcomes', 'failover', 'high', `${unknownTotal} orders ended with an unknown outcome`, Object.fromEntries(unknown.map((m) => [`${m[1]} unknown`, Number(m[2])])),
          'Each may be live at the venue; a blind resend would double the position.', 'Reconcile each (order status request or drop copy) before failover.')
      : finding('failover.unknown_outcomes', 'failover', 'info', 'No order ended with an unknown outcome', { unknown: 0 }, 'None.', 'None.'),
  );
  return out;
}

/**
 * TCP_NODELAY of the engine's FIX sockets from its `fix_socket_nodelay{session}`
 * gauges (the fix package exports one per live session socket); undefined when
 * no /metrics was read or it has none, so `network.tcp_nodelay` stays not applicable.
 */
function fixSocketsFromMetrics(metricsText: string | undefined): { session: string; noDelay: boolean }[] | undefined {
  if (metricsText === undefined) return undefined;
  const out: { session: string; noDelay: boolean }[] = [];
  for (const m of metricsText.matchAll(/^fix_socket_nodelay\{([^}]*)\}\s+(\S+)/gm)) {
    const session = /(?:^|,)\s*session="((?:[^"\\]|\\.)*)"/.exec(m[1]!)?.[1];
    const value = Number(m[2]);
    if (session === undefined || (value !== 0 && value !== 1)) continue;
    out.push({ session, noDelay: value === 1 });
  }
  return out.length > 0 ? out : undefined;
}

async function run(args: CliArgs, io: CliIo): Promise<number> {
  const v = args.values;
  if (args.positionals.length > 0) return usage(io, `unexpected argument ${JSON.stringify(args.positionals[0])}`);
  const tps = positiveNumber(v['tps'], '--tps', 1_000);
  const durationS = positiveNumber(v['duration'], '--duration', 5);
  const scrape = v['scrape-interval-ms'] === undefined ? undefined : positiveNumber(v['scrape-interval-ms'], '--scrape-interval-ms', 0);
  for (const x of [tps, durationS, scrape]) if (typeof x === 'string') return usage(io, x);
  const outDir = typeof v['out'] === 'string' ? v['out'] : '.';

  const monitor = new LatencyMonitor();
  const stalls = monitorRuntimeStalls(monitor);
  const appendix: Record<string, string | number | boolean | null> = { node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length };
  try {
    let latency: AuditReportInput['latency'];
    if (typeof v['target'] === 'string') {
      const target = await loadTarget(v['target']);
      if (typeof target === 'string') return usage(io, target);
      io.stderr.write(`replaying ${target.name} at ${tps} TPS x 1/2/5 for ${durationS} s each\n`);
      const rows = await replayLoad({ fn: target.fn, name: target.name, tps: tps as number, durationMs: (durationS as number) * 1_000, restMs: 200 });
      const lrows: LatencyRow[] = rows.map((r) => ({ ...r, rateShortfall: !r.rateOffered }));
      latency = {
        rows: lrows,
        distribution: rows.map((r) => ({
          label: `${r.name} ${r.multiplier}x`,
          points: [
            { percentile: 50, valueNs: r.p50Ns }, { percentile: 90, valueNs: r.p90Ns }, { percentile: 99, valueNs: r.p99Ns },
            { percentile: 99.9, valueNs: r.p999Ns }, { percentile: 100, valueNs: r.maxNs },
          ],
        })),
      };
      for (const r of rows) appendix[`replay ${r.name} ${r.multiplier}x`] = `count=${r.count} errors=${r.errors} p50=${r.p50Ns} p99=${r.p99Ns} max=${r.maxNs} svc_p99=${r.serviceP99Ns} ns; offered=${r.rateOffered}`;
    }

    let metricsText: string | undefined;
    if (typeof v['metrics'] === 'string') {
      try {
        const res = await fetch(v['metrics'], { signal: AbortSignal.timeout(5_000) });
        if (!res.ok) return usage(io, `--metrics ${v['metrics']} answered HTTP ${res.status}`);
        metricsText = await res.text();
      } catch (err) {
        return usage(io, `cannot read --metrics ${v['metrics']}: ${(err as Error).message}`);
      }
    }
    let rulesYaml: string | undefined;
    if (typeof v['rules'] === 'string') {
      try {
        rulesYaml = await readFile(v['rules'], 'utf8');
      } catch (err) {
        return usage(io, `cannot read --rules ${v['rules']}: ${(err as Error).message}`);
      }
    }

    const loop = monitor.operation('runtime_event_loop_delay').window;
    const gc = monitor.operation('runtime_gc_pause').window;
    const pid = typeof v['pid'] === 'string' ? v['pid'] : undefined;
    const host = auditHost({
      ...(typeof v['root'] === 'string' ? { root: v['root'] } : {}),
      ...(pid !== undefined ? { pid } : {}),
      runtime: {
        ...(loop.count() > 0 ? { eventLoopDelayP99Ns: loop.quantileNs(0.99) } : {}),
        ...(gc.count() > 0 ? { gcPauseMaxNs: gc.quantileNs(1) } : {}),
      },
      ethtool: undefined,
      fixSockets: fixSocketsFromMetrics(metricsText),
    });
    const input: AuditReportInput = {
      title: 'tailguard latency audit',
      generatedAtEpochUs: Date.now() * 1_000,
      hostname: os.hostname(),
      host,
      ...(latency !== undefined ? { latency } : {}),
      failover: failoverFindings(metricsText),
      observability: findObservabilityGaps({
        ...(metricsText !== undefined ? { metricsText } : {}),
        ...(rulesYaml !== undefined ? { rulesYaml } : {}),
        ...(typeof scrape === 'number' ? { scrapeIntervalMs: scrape } : {}),
      }),
      appendix,
    };
    await mkdir(outDir, { recursive: true });
    const md = path.join(outDir, 'report.md');
    await writeFile(md, renderAuditMarkdown(input));
    io.stdout.write(`wrote ${md}\n`);
    if (v['no-pdf'] !== true) {
      const pdf = path.join(outDir, 'report.pdf');
      await writeAuditPdf(input, pdf);
      io.stdout.write(`wrote ${pdf}\n`);
    }
    return CLI_EXIT.ok;
  } finally {
    stalls.stop();
    monitor.close();
  }
}

/** `tailguard audit`: host audit, optional load replay and observability gaps, written as report.md and report.pdf. */
export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Audit host, latency and observability; write report.md and report.pdf',
  help: HELP,
  options: {
    out: { type: 'string' },
    root: { type: 'string' },
    pid: { type: 'string' },
    target: { type: 'string' },
    tps: { type: 'string' },
    duration: { type: 'string' },
    metrics: { type: 'string' },
    rules: { type: 'string' },
    'scrape-interval-ms': { type: 'string' },
    'no-pdf': { type: 'boolean' },
  },
  run,
};
