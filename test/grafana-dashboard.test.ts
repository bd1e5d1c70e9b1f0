import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;

/** Every metric name the SDK's sources register (string literals of the tailguard_/fix_ families). */
function exportedNames(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/['"`]((?:tailguard|fix)_[a-z0-9_]+)['"`]/g)) names.add(m[1]!);
    }
  };
  for (const pkg of ['core', 'fix', 'redis-store']) {
    try {
      walk(path.join(root, 'packages', pkg, 'src'));
    } catch {
      // a package without sources yet exports nothing
    }
  }
  return names;
}

describe('deploy/grafana/tailguard.json', () => {
  const dash = JSON.parse(readFileSync(path.join(root, 'deploy/grafana/tailguard.json'), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };

  it('covers what the issue lists', () => {
    const titles = dash.panels.map((p) => p.title.toLowerCase()).join('\n');
    for (const w of ['window', 'worst-window', 'quote checks by reason', 'would-rejects', 'clock error', 'fix sessions', 'fix order latency', 'runtime stalls']) {
      expect(titles).toContain(w);
    }
  });

  it('every panel query names only metrics the SDK exports', () => {
    const exported = exportedNames();
    expect(exported.size).toBeGreaterThan(30);
    for (const p of dash.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        const used = [...t.expr.matchAll(/\b((?:tailguard|fix)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
        expect(used.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        for (const name of used) expect(exported.has(name), `${p.title}: ${name} is not exported by the SDK`).toBe(true);
      }
    }
  });

  it('never averages a quantile series', () => {
    for (const p of dash.panels) for (const t of p.targets) expect(t.expr, p.title).not.toMatch(/\bavg(_over_time)?\b/);
  });
});
