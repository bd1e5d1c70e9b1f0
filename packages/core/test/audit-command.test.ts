import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORT_SECTIONS } from '@tailguard/core';
import { runCli } from '@tailguard/core/cli';
import { UNTUNED_HOST, writeHostTree } from './support/host-fixtures.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'tg-audit-'));
  dirs.push(d);
  return d;
};
const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } } };
};

describe('tailguard audit', () => {
  it('writes report.md with every section and a PDF pdftoppm renders, from a replay, a /metrics scrape and a rules file', async () => {
    const dir = tmp();
    const target = path.join(dir, 'target.mjs');
    writeFileSync(target, "import { createHmac } from 'node:crypto';\nexport function sign(i) { return createHmac('sha256', 'k').update(String(i)).digest(); }\n");
    const rules = path.join(dir, 'rules.yml');
    writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - alert: P99\n        expr: avg(sign_p99) > 1\n');
    const server = http.createServer((_, res) => res.end('tailguard_breaker_state{route="primary"} 2\ntailguard_order_outcomes_total{route="primary",outcome="unknown"} 3\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const c = io();
    try {
      const code = await runCli(
        ['audit', '--out', dir, '--root', writeHostTree(UNTUNED_HOST), '--target', `${target}#sign`, '--tps', '200', '--duration', '0.3',
          '--metrics', `http://127.0.0.1:${port}/metrics`, '--rules', rules, '--scrape-interval-ms', '15000'],
        c.io,
      );
      expect(c.err.join('')).not.toMatch(/Error/);
      expect(code).toBe(0);
    } finally {
      server.close();
    }
    const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
    for (const s of REPORT_SECTIONS) expect(md).toContain(`## ${s}`);
    expect(md).toMatch(/\| sign \| 5x \| 1000 \|/);
    expect(md).toContain('failover.breaker_open');
    expect(md).toContain('failover.unknown_outcomes');
    expect(md).toContain('observability.averaged_quantiles');
    expect(md).toContain('<svg');
    execFileSync('pdftoppm', ['-r', '30', '-png', path.join(dir, 'report.pdf'), path.join(dir, 'page')]);
    expect(readdirSync(dir).filter((f) => f.startsWith('page')).length).toBeGreaterThanOrEqual(2);
  });

  it('reads TCP_NODELAY of the engine FIX sockets from fix_socket_nodelay in --metrics', async () => {
    const reportFor = async (metricsText: string): Promise<string> => {
      const dir = tmp();
      const server = http.createServer((_, res) => res.end(metricsText));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const c = io();
      try {
        const code = await runCli(['audit', '--out', dir, '--root', writeHostTree(UNTUNED_HOST), '--metrics', `http://127.0.0.1:${port}/metrics`, '--no-pdf'], c.io);
        expect(c.err.join('')).toBe('');
        expect(code).toBe(0);
      } finally {
        server.close();
      }
      return readFileSync(path.join(dir, 'report.md'), 'utf8');
    };
    const nagle = await reportFor(
      '# TYPE fix_socket_nodelay gauge\nfix_socket_nodelay{session="PRIMARY"} 1\nfix_socket_nodelay{session="BACKUP"} 0\n',
    );
    expect(nagle).toMatch(/^\| high \| `network\.tcp_nodelay` \| 1 FIX sockets have Nagle's algorithm on \| .*BACKUP TCP_NODELAY=false/m);
    expect(nagle).toMatch(/^\| high \| `network\.tcp_nodelay` .*PRIMARY TCP_NODELAY=true/m);
    const allOn = await reportFor('fix_socket_nodelay{session="PRIMARY"} 1\nfix_socket_nodelay{session="BACKUP"} 1\n');
    expect(allOn).toMatch(/^\| info \| `network\.tcp_nodelay` \| Every FIX socket has TCP_NODELAY \| .*BACKUP TCP_NODELAY=true/m);
    const none = await reportFor('fix_session_up{session="PRIMARY",role="initiator"} 0\n');
    expect(none).toMatch(/^\| n\/a \| `network\.tcp_nodelay` \| not applicable: no FIX sockets reported by the engine/m);
  });

  it('names the problem on bad input', async () => {
    const c = io();
    expect(await runCli(['audit', '--target', 'nofile.js'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--target must look like/);
    const d = io();
    expect(await runCli(['audit', '--tps=-3'], d.io)).toBe(2);
    expect(d.err.join('')).toMatch(/--tps must be a positive number/);
    const h = io();
    expect(await runCli(['audit', '--help'], h.io)).toBe(0);
    expect(h.out.join('')).toMatch(/Usage: tailguard audit/);
  });
});
