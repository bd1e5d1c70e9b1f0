import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main as goldDesk } from '../packages/examples/src/gold-desk.js';
import { freePort } from './support/free-port.js';

interface PromVector {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promPort: number, q: string): Promise<PromVector[]> {
  const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: PromVector[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a real Prometheus scraping the gold-desk demo', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-prom-'));
  let prom: ChildProcess | undefined;
  afterAll(() => {
    if (prom?.pid !== undefined && prom.exitCode === null) process.kill(prom.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds window quantiles, quote checks by reason and FIX session state with plausible values', async () => {
    const demoPort = await freePort();
    const promPort = await freePort();
    writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: tailguard-demo\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['127.0.0.1:${demoPort}']\n`,
    );
    prom = spawn(
      'prometheus',
      [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'],
      { stdio: 'ignore' },
    );
    const out: string[] = [];
    const demo = goldDesk(['--seed', '7', '--duration', '6s', '--port', String(demoPort), '--linger-ms', '8000'], { write: (s: string) => out.push(s) }, { write: () => true });

    // While the demo lingers after its phases, Prometheus has scraped the final values.
    const p99 = await until('window p99 series', 60_000, async () => {
      const r = await query(promPort, 'tailguard_latency_window_seconds{quantile="0.99"}');
      return r.length > 0 ? r : undefined;
    });
    const checks = await until('stale and replay rejects', 60_000, async () => {
      const r = await query(promPort, 'sum by (reason) (tailguard_quote_checks_total)');
      const reasons = new Map(r.map((v) => [v.metric.reason, Number(v.value[1])]));
      return (reasons.get('QUOTE_STALE') ?? 0) > 0 && (reasons.get('QUOTE_REPLAYED') ?? 0) > 0 ? reasons : undefined;
    });
    const up = await query(promPort, 'fix_session_up');
    expect(await demo).toBe(0);

    for (const v of p99) {
      const s = Number(v.value[1]);
      expect(s, JSON.stringify(v.metric)).toBeGreaterThanOrEqual(0);
      expect(s, JSON.stringify(v.metric)).toBeLessThan(10); // seconds: a sign of a unit error if not
    }
    expect(p99.some((v) => Number(v.value[1]) > 0)).toBe(true);
    expect(checks.get('OK')).toBeGreaterThan(0);
    expect(up.length).toBeGreaterThan(0);
    for (const v of up) expect(['0', '1']).toContain(v.value[1]);
    expect(up.some((v) => v.value[1] === '1')).toBe(true);
    expect(out.join('')).toContain(`metrics: http://127.0.0.1:${demoPort}/metrics`);
  });
});
