import { describe, expect, it } from 'vitest';
import { startLoopback } from '@tailguard/fix';
import jspurefix from 'jspurefix';
import { makeMetrics, order, until } from './fix-test-kit.js';

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
}

describe('loopback harness', () => {
  it('runs several engines against one venue and leaves no socket open after stop', async () => {
    const before = tcpHandles();
    let parses = 0;
    const parse = jspurefix.DefinitionFactory.prototype.getDefinitions;
    jspurefix.DefinitionFactory.prototype.getDefinitions = function (this: unknown, ...args: Parameters<typeof parse>) {
      parses++;
      return parse.apply(this, args);
    };
    const { metrics } = makeMetrics();
    const h = await startLoopback({
      metrics,
      venue: { ordersWithoutQuoteId: 'fill', counterparties: ['C1', 'C2', 'C3'] },
      engines: [{ senderCompId: 'C1' }, { senderCompId: 'C2' }],
    });
    const third = await h.addEngine({ senderCompId: 'C3' });
    expect(h.port).toBeGreaterThan(0);
    expect(h.venueSessions).toHaveLength(3);
    expect(tcpHandles()).toBeGreaterThanOrEqual(before + 7); // a listener and both ends of three connections
    for (const e of h.engines) (e.session as typeof h.engine).sendOrder(order(`o-${e.senderCompId}`));
    await until(() => h.engines.every((e) => (e.session as typeof h.engine).pendingOrderCount() === 0), 5_000, 'fills');
    const labels = [...metrics.sessions()].map((s) => `${s.session}/${s.role}`).sort();
    expect(labels).toEqual(['C1/acceptor', 'C2/acceptor', 'C3/acceptor', 'VENUE/initiator']);
    expect(third.session).toBe(h.engines[2]!.session);
    expect(parses).toBe(1); // four launchers, one dictionary parse
    jspurefix.DefinitionFactory.prototype.getDefinitions = parse;
    await h.stop();
    await until(() => tcpHandles() === before, 5_000, 'sockets closed');
  });
});
