import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REPORT_SECTIONS,
  auditHost,
  findObservabilityGaps,
  renderAuditMarkdown,
  writeAuditPdf,
  type AuditReportInput,
} from '@tailguard/core';
import { UNTUNED_HOST, writeHostTree } from './support/host-fixtures.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const AVERAGING_RULES = `groups:
  - name: bad
    rules:
      - alert: SignP99High
        expr: avg_over_time(sign_latency_p99[1m]) > 0.001
      - alert: SignHq
        expr: histogram_quantile(0.99, sum by (le) (rate(sign_duration_seconds_bucket[5m]))) > 0.001
`;
const GOOD_RULES = readFileSync(new URL('../../../deploy/prometheus/alerts.yml', import.meta.url), 'utf8');

function input(): AuditReportInput {
  const root = writeHostTree(UNTUNED_HOST);
  dirs.push(root);
  const rows = [1, 2, 5].flatMap((m) =>
    ['sign_ed25519', 'sign_hmac_sha256'].map((name) => ({
      name, multiplier: m, targetTps: 1000 * m, achievedTps: 990 * m, count: 5000 * m, errors: 0,
      p50Ns: 20_000 * m, p90Ns: 40_000 * m, p99Ns: 90_000 * m ** 2, p999Ns: 2e5 * m ** 2, maxNs: 1e6 * m, rateShortfall: m === 5,
    })),
  );
  return {
    title: 'tailguard latency audit',
    generatedAtEpochUs: 1_764_000_000_000_000,
    hostname: 'fixture-host',
    host: auditHost({ root, env: {}, execArgv: [], nodeVersion: 'v20.20.2' }),
    latency: {
      rows,
      distribution: rows.map((r) => ({
        label: `${r.name} ${r.multiplier}x`,
        points: [
          { percentile: 0, valueNs: r.p50Ns / 2 }, { percentile: 50, valueNs: r.p50Ns }, { percentile: 90, valueNs: r.p90Ns },
          { percentile: 99, valueNs: r.p99Ns }, { percentile: 99.9, valueNs: r.p999Ns }, { percentile: 100, valueNs: r.maxNs },
        ],
      })),
    },
    failover: [],
    observability: findObservabilityGaps({ metricsText: 'tailguard_latency_window_seconds{operation="sign",quantile="0.99"} 0.001\n', rulesYaml: AVERAGING_RULES, scrapeIntervalMs: 15_000 }),
    appendix: { 'node': 'v20.20.2', 'replay.duration_ms': 1000 },
  };
}

describe('observability gap analysis', () => {
  it('flags exactly the rules file that averages p99 over 1 m, not the shipped one', () => {
    const bad = findObservabilityGaps({ rulesYaml: AVERAGING_RULES });
    const good = findObservabilityGaps({ rulesYaml: GOOD_RULES });
    const sev = (rs: typeof bad, id: string): string | undefined => {
      const r = rs.find((x) => x.id === id);
      return r?.status === 'finding' ? r.severity : r?.status;
    };
    expect(sev(bad, 'observability.averaged_quantiles')).toBe('high');
    expect(sev(bad, 'observability.long_range_histogram_quantile')).toBe('medium');
    expect(sev(bad, 'observability.clock_alert')).toBe('high');
    expect(sev(bad, 'observability.fix_session_alert')).toBe('high');
    for (const id of ['averaged_quantiles', 'long_range_histogram_quantile', 'clock_alert', 'fix_session_alert']) {
      expect(sev(good, `observability.${id}`)).toBe('info');
    }
  });

  it('flags absent window metrics and a scrape interval longer than the window without a worst-window metric', () => {
    const rs = findObservabilityGaps({ metricsText: 'process_cpu_seconds_total 1\n', scrapeIntervalMs: 15_000 });
    expect(rs.find((r) => r.id === 'observability.window_metrics')).toMatchObject({ severity: 'high' });
    expect(rs.find((r) => r.id === 'observability.scrape_vs_window')).toMatchObject({ severity: 'high' });
    const ok = findObservabilityGaps({ metricsText: 'tailguard_latency_window_worst_p99_seconds{operation="x"} 0\n', scrapeIntervalMs: 15_000 });
    expect(ok.find((r) => r.id === 'observability.scrape_vs_window')).toMatchObject({ severity: 'info' });
  });
});

describe('audit report', () => {
  it('has every section in markdown, with the plot as SVG and a roadmap ordered by severity', () => {
    const md = renderAuditMarkdown(input());
    for (const s of REPORT_SECTIONS) expect(md).toContain(`## ${s}`);
    expect(md).toMatch(/<svg [^>]*>[\s\S]*<polyline/);
    const roadmap = md.split('## Remediation roadmap')[1]!.split('## Appendix')[0]!;
    const sevs = [...roadmap.matchAll(/\*\*(critical|high|medium|low)\*\*/g)].map((m) => m[1]);
    const rank = { critical: 0, high: 1, medium: 2, low: 3 } as Record<string, number>;
    expect(sevs.length).toBeGreaterThan(5);
    expect(sevs.map((s) => rank[s!])).toEqual([...sevs.map((s) => rank[s!])].sort((a, b) => a! - b!));
    expect(md).toContain('latency.burst.sign_ed25519'); // p99 grows 25x from 1x to 5x
  });

  it('writes a PDF that pdftoppm renders page by page', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-report-'));
    dirs.push(dir);
    const pdf = path.join(dir, 'report.pdf');
    await writeAuditPdf(input(), pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    execFileSync('pdftoppm', ['-r', '40', '-png', pdf, path.join(dir, 'page')]);
    const pages = readdirSync(dir).filter((f) => f.startsWith('page') && f.endsWith('.png'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const p of pages) expect(statSync(path.join(dir, p)).size).toBeGreaterThan(1_000);
  });
});
