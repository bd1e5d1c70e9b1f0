import { InMemoryReplayGuard, ManualClock, QuoteGuard, type QuoteGuardOptions } from '@tailguard/core';
import { describeQuoteGuardConformance, type QuoteGuardConformanceConfig } from './support/quote-guard-conformance.js';

function inMemory(ageBasis: 'local-monotonic' | 'wall', extra: () => QuoteGuardOptions = () => ({})) {
  return (config: QuoteGuardConformanceConfig) => {
    const clock = new ManualClock(1e9, 1_750_000_000_000_000);
    const guard = new QuoteGuard({ ...config, ...extra(), clock, ageBasis, autoTick: false });
    return {
      checker: guard,
      advanceMs: (ms: number) => clock.advanceMs(ms),
      wallEpochUs: () => clock.wallEpochUs(),
      close: () => guard.close(),
    };
  };
}

describeQuoteGuardConformance('in-memory QuoteGuard, monotonic age', inMemory('local-monotonic'));
describeQuoteGuardConformance('in-memory QuoteGuard, wall age', inMemory('wall'));
// The two above run the default guard (replay marks embedded in the store); this one a separate replay guard.
describeQuoteGuardConformance('in-memory QuoteGuard, separate InMemoryReplayGuard', inMemory('local-monotonic', () => ({ replay: new InMemoryReplayGuard() })));
