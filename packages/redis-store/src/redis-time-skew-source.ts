import type { Meter } from '@opentelemetry/api';
import { registerPromCollector, systemClock, type Clock, type SkewSource, type SkewStatus } from '@tailguard/core';
import type { Registry } from 'prom-client';
import type { RedisClient } from './redis-client.js';

/** Options for {@link RedisTimeSkewSource}. */
export interface RedisTimeSkewSourceOptions {
  /** TIME samples per probe; the one with the smallest round trip is kept. Default 8. */
  samplesPerProbe?: number;
  /** Interval between probes. Default 10 000 ms. */
  probeIntervalMs?: number;
  /** A probe result older than this turns the source unsynchronised. Default 3 × probeIntervalMs. */
  staleAfterMs?: number;
  /** Clock whose wall reading is compared with the server's. Default the system clock. */
  clock?: Clock;
}

/** One NTP-style estimate of this host's offset from the Redis server clock. */
export interface RedisOffsetSample {
  /** Local wall clock minus the server clock, µs (positive = this host is ahead). */
  offsetUs: number;
  /** Half the round trip of the kept sample: the offset is exact within ± this. */
  uncertaintyUs: number;
  /** Round trip of the kept sample, ns. */
  rttNs: number;
  /** Monotonic time the sample was taken. */
  takenMonoNs: number;
}

type Reason = 'ok' | 'never_probed' | 'probe_failed' | 'stale';

/**
 * Estimates this host's wall-clock offset from the Redis server's `TIME`,
 * NTP-style: several samples, keep the minimum round trip, offset = local
 * midpoint − server time, uncertainty = RTT / 2. Engines on different hosts that
 * all probe the same server bound their mutual error by the sum of their bounds.
 *
 * As a {@link SkewSource}: `maxErrorUs = |offset| + uncertainty`, unsynchronised
 * before the first probe, after a failed probe, or when the last good probe is
 * older than `staleAfterMs`. Combine it with chrony's through `combineSkewSources`.
 */
export class RedisTimeSkewSource implements SkewSource {
  /** Probes that failed (connection error, bad reply). */
  probeFailuresTotal = 0;
  private last: RedisOffsetSample | undefined;
  private lastFailed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly samples: number;
  private readonly intervalMs: number;
  private readonly staleAfterNs: number;
  private readonly clock: Clock;
  private cached: SkewStatus = Object.freeze({ synchronized: false, maxErrorUs: 0, reason: 'never_probed' satisfies Reason });

  constructor(
    private readonly redis: RedisClient,
    options: RedisTimeSkewSourceOptions = {},
  ) {
    this.samples = options.samplesPerProbe ?? 8;
    this.intervalMs = options.probeIntervalMs ?? 10_000;
    const staleAfterMs = options.staleAfterMs ?? 3 * this.intervalMs;
    if (!Number.isInteger(this.samples) || this.samples < 1 || this.samples > 100) {
      throw new RangeError(`RedisTimeSkewSource: samplesPerProbe must be an integer in [1, 100], got ${this.samples}`);
    }
    if (!(this.intervalMs >= 100)) throw new RangeError(`RedisTimeSkewSource: probeIntervalMs must be ≥ 100, got ${this.intervalMs}`);
    if (!(staleAfterMs > 0)) throw new RangeError(`RedisTimeSkewSource: staleAfterMs must be > 0, got ${staleAfterMs}`);
    this.staleAfterNs = staleAfterMs * 1e6;
    this.clock = options.clock ?? systemClock();
  }

  /** Takes one probe now (several TIME round trips); resolves to the kept sample, or undefined on failure. */
  async probe(): Promise<RedisOffsetSample | undefined> {
    let best: RedisOffsetSample | undefined;
    try {
      for (let i = 0; i < this.samples; i++) {
        const t0Mono = this.clock.monoNs();
        const t0Wall = this.clock.wallEpochUs();
        const reply = (await this.redis.time()) as [string | number, string | number];
        const t1Mono = this.clock.monoNs();
        const serverUs = Number(reply[0]) * 1e6 + Number(reply[1]);
        if (!Number.isFinite(serverUs)) throw new Error('TIME returned a non-numeric reply');
        const rttNs = t1Mono - t0Mono;
        const localMidUs = t0Wall + rttNs / 2_000;
        if (best === undefined || rttNs < best.rttNs) {
          best = { offsetUs: localMidUs - serverUs, uncertaintyUs: rttNs / 2_000, rttNs, takenMonoNs: t1Mono };
        }
      }
    } catch {
      this.probeFailuresTotal++;
      this.lastFailed = true;
      this.refresh();
      return undefined;
    }
    this.last = best;
    this.lastFailed = false;
    this.refresh();
    return best;
  }

  /** The last good sample, if any. */
  lastSample(): RedisOffsetSample | undefined {
    return this.last;
  }

  /** @inheritdoc */
  status(): SkewStatus {
    const last = this.last;
    if (last !== undefined && this.cached.synchronized && this.clock.monoNs() - last.takenMonoNs > this.staleAfterNs) {
      this.refresh();
    }
    return this.cached;
  }

  private refresh(): void {
    const last = this.last;
    let reason: Reason = 'ok';
    if (last === undefined) reason = 'never_probed';
    else if (this.lastFailed) reason = 'probe_failed';
    else if (this.clock.monoNs() - last.takenMonoNs > this.staleAfterNs) reason = 'stale';
    this.cached = Object.freeze({
      synchronized: reason === 'ok',
      maxErrorUs: last === undefined ? 0 : Math.abs(last.offsetUs) + last.uncertaintyUs,
      reason,
    });
  }

  /** Probes now and then every `probeIntervalMs` (unref'd timer). Never rejects. */
  start(): this {
    if (this.timer === undefined) {
      void this.probe();
      this.timer = setInterval(() => void this.probe(), this.intervalMs);
      this.timer.unref();
    }
    return this;
  }

  /** Stops probing. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Registers `tailguard_clock_redis_offset_seconds` and its uncertainty on the app's registry. */
  registerPrometheus(registry: Registry): void {
    registerPromCollector(registry, {
      name: 'tailguard_clock_redis_offset_seconds',
      help: 'This host wall clock minus the Redis server clock (TIME, minimum-RTT sample), seconds; positive = ahead',
      type: 'gauge',
      collect: () => (this.last === undefined ? [] : [{ value: this.last.offsetUs / 1e6 }]),
    });
    registerPromCollector(registry, {
      name: 'tailguard_clock_redis_offset_uncertainty_seconds',
      help: 'Half the round trip of the kept TIME sample: the offset is exact within plus or minus this, seconds',
      type: 'gauge',
      collect: () => (this.last === undefined ? [] : [{ value: this.last.uncertaintyUs / 1e6 }]),
    });
    registerPromCollector(registry, {
      name: 'tailguard_clock_redis_probe_failures_total',
      help: 'Redis TIME probes that failed',
      type: 'counter',
      collect: () => [{ value: this.probeFailuresTotal }],
    });
  }

  /** Registers the same figures as OpenTelemetry observable gauges. */
  registerOpenTelemetry(meter: Meter): void {
    const offset = meter.createObservableGauge('tailguard.clock.redis_offset', { unit: 's', description: 'Host minus Redis server clock' });
    const unc = meter.createObservableGauge('tailguard.clock.redis_offset_uncertainty', { unit: 's' });
    meter.addBatchObservableCallback(
      (r) => {
        if (this.last === undefined) return;
        r.observe(offset, this.last.offsetUs / 1e6);
        r.observe(unc, this.last.uncertaintyUs / 1e6);
      },
      [offset, unc],
    );
  }
}
