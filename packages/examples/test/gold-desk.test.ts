import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseGoldDeskArgs, runGoldDesk, type GoldDeskResult } from '../src/gold-desk.js';
import { DESK_CLIENTS, clientIdsOfKind } from '../src/gold-desk/desk-clients.js';
import { planOrderFlow } from '../src/gold-desk/order-flow.js';
import { XauusdMarket } from '../src/gold-desk/xauusd-market.js';

function sockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;
}

describe('gold-desk demo (15 s run over FIX on 127.0.0.1)', () => {
  let dir: string;
  let result: GoldDeskResult;
  let output = '';
  let metricsText = '';
  let socketsBefore = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gold-desk-'));
    socketsBefore = sockets();
    let scrape: Promise<void> | undefined;
    const out = {
      write(text: string): boolean {
        output += text;
        // Scrape while the demo lingers after its phases, as Prometheus would.
        const m = /serving (http:\S+) for/.exec(text);
        if (m !== null) scrape = fetch(m[1]!).then(async (res) => void (metricsText = await res.text()));
        return true;
      },
    };
    const args = parseGoldDeskArgs(['--seed', '7', '--duration', '15s', '--report', join(dir, 'report.md'), '--linger-ms', '1500', '--load-duration-ms', '100', '--load-tps', '500']);
    result = await runGoldDesk(args, out);
    await scrape;
  }, 110_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const phase = (name: string) => {
    const s = result.summaries.find((x) => x.phase.name === name);
    if (s === undefined) throw new Error(`no phase ${name}`);
    return s;
  };

  it('runs the five phases over the same order flow and prints a table after each', () => {
    expect(result.exitCode).toBe(0);
    expect(result.summaries.map((s) => s.phase.name)).toEqual(['off', 'shadow', 'enf-10%', 'enf-50%', 'enf-100%']);
    const requests = new Set(result.summaries.map((s) => s.requests));
    expect(requests.size).toBe(1);
    expect(output.match(/== phase \d\/5/g)).toHaveLength(5);
    expect(output).toContain('arbitrage loss, USD (markout)');
  });

  it('cuts the arbitrage loss at 100 % enforcement below 10 % of the unguarded baseline', () => {
    const base = phase('off').arbLossUsd;
    expect(base).toBeGreaterThan(500);
    expect(phase('enf-100%').arbLossUsd).toBeLessThan(0.1 * base);
    // The rollout catches the arbitrageurs as their buckets come in: the loss falls phase by phase.
    expect(phase('enf-10%').arbLossUsd).toBeLessThan(base);
    expect(phase('enf-50%').arbLossUsd).toBeLessThan(phase('enf-10%').arbLossUsd);
  });

  it('rejects under 1 % of honest and fast-algo requests in every phase', () => {
    for (const s of result.summaries) {
      expect(s.honestRequests).toBeGreaterThan(20);
      expect(s.falseRejectShare).toBeLessThan(0.01);
    }
  });

  it('rejects every resent QuoteID of the replayer at 100 %, as QUOTE_REPLAYED', () => {
    const run = result.runs.find((r) => r.phase.name === 'enf-100%')!;
    const repeats = run.records.filter((r) => r.order.repeat > 0);
    expect(repeats.length).toBeGreaterThan(3);
    for (const r of repeats) {
      expect(r.outcome.filled).toBe(false);
      expect(r.outcome.reason).toBe('QUOTE_REPLAYED');
    }
    expect(phase('enf-100%').replayRepeatsRejected).toBe(repeats.length);
  });

  it('shadow changes no fill and counts would-rejects equal to the enforced rejects of the same flow', () => {
    const off = result.runs.find((r) => r.phase.name === 'off')!;
    const shadow = result.runs.find((r) => r.phase.name === 'shadow')!;
    const full = result.runs.find((r) => r.phase.name === 'enf-100%')!;
    expect(shadow.records.every((r) => r.outcome.filled)).toBe(true);
    expect(off.records.every((r) => r.outcome.filled)).toBe(true);
    expect(phase('shadow').executions).toBe(phase('off').executions);
    expect(phase('shadow').wouldRejects).toEqual(phase('enf-100%').rejects);
    // Request by request: the shadow verdict is the enforced one.
    expect(shadow.records.map((r) => r.outcome.reason)).toEqual(full.records.map((r) => r.outcome.reason));
    expect(phase('shadow').wouldRejects.QUOTE_STALE).toBeGreaterThan(0);
  });

  it('flags exactly the arbitrageurs, with stale-hit evidence', () => {
    const arbs = clientIdsOfKind(DESK_CLIENTS, 'arbitrageur').sort();
    expect(result.flagged.map((f) => f.entry.clientId).sort()).toEqual(arbs);
    expect(phase('shadow').flagged).toEqual(arbs);
    for (const f of result.flagged) {
      expect(f.entry.evidence.staleHit.share).toBeGreaterThan(0.7);
      expect(['off', 'shadow']).toContain(f.firstPhase);
    }
  });

  it('serves /metrics from its own registry with guard, rollout, detection, FIX, latency and runtime metrics', () => {
    expect(result.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(output).toContain(`metrics: ${result.metricsUrl}`);
    expect(metricsText).toMatch(/tailguard_quote_checks_total\{[^}]*reason="QUOTE_STALE"[^}]*\} [1-9]/);
    expect(metricsText).toMatch(/tailguard_rollout_basis_points 10000/);
    expect(metricsText).toMatch(/tailguard_flagged_clients 2/);
    expect(metricsText).toMatch(/fix_session_up\{session="ARB_1",role="acceptor"\} 1/);
    expect(metricsText).toMatch(/tailguard_latency_window_seconds\{operation="fix_order_ack:VENUE\.HONEST_A",quantile="0.99"\}/);
    expect(metricsText).toContain('runtime_event_loop_delay');
  });

  it('writes the markdown report: phase tables, flagged clients with evidence, signing replay at 1x/2x/5x', async () => {
    const md = await readFile(join(dir, 'report.md'), 'utf8');
    expect(md).toBe(result.report);
    expect(md).toContain('## Phases');
    expect(md).toMatch(/\| arbitrage loss, USD \(markout\) \|/);
    expect(md).toContain('### ARB_1');
    expect(md).toContain('stale hits:');
    for (const m of ['| 1x |', '| 2x |', '| 5x |']) expect(md).toContain(m);
    expect(md).toContain('sign_ed25519');
  });

  it('closes every socket and server it opened', () => {
    expect(sockets()).toBeLessThanOrEqual(socketsBefore);
  });
});

describe('gold-desk flow and flags', () => {
  it('plans the same flow for the same seed and another for another seed', () => {
    const market = new XauusdMarket({ seed: 7, durationUs: 2e6 });
    const a = planOrderFlow(DESK_CLIENTS, market, 7, 2e6);
    const b = planOrderFlow(DESK_CLIENTS, new XauusdMarket({ seed: 7, durationUs: 2e6 }), 7, 2e6);
    const c = planOrderFlow(DESK_CLIENTS, new XauusdMarket({ seed: 8, durationUs: 2e6 }), 8, 2e6);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Arbitrageurs only ever execute quotes at least 60 ms old; everyone else trades the fresh quote.
    for (const o of a) {
      const age = o.offsetUs - market.tickOffsetUs(o.quoteTick);
      if (o.clientId.startsWith('ARB_')) expect(age).toBeGreaterThanOrEqual(60_000);
      else expect(age).toBeLessThan(market.tickUs + 5_000);
    }
  });

  it('exits 2 with a clear message on a bad flag or an unreachable Redis', async () => {
    let err = '';
    const sink = { write: (t: string) => (err += t) };
    expect(await main(['--duration', 'soon'], sink, sink)).toBe(2);
    expect(err).toContain('--duration must be');
    err = '';
    expect(await main(['--redis', 'redis://127.0.0.1:1', '--duration', '5s'], sink, sink)).toBe(2);
    expect(err).toMatch(/gold-desk: (cannot reach Redis|@tailguard\/redis-store has no RedisQuoteGuard)/);
  });
});
