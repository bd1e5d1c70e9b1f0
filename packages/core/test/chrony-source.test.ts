import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChronySkewSource, ManualClock, registerChronyOpenTelemetry, registerChronyPrometheus } from '@tailguard/core';

// The source runs a real executable through execFile. These stand-ins print recorded chronyc
// output (from chronyd 4.3 here) or fail the ways chronyc does, so the poll path is tested
// without a daemon; test/chrony.integration.test.ts runs real chronyd.
const SYNCED_LINE =
  '7F000001,127.0.0.1,9,1700000000.000000000,0.019999461,0.000002522,0.000008164,-1.341,0.054,6.239,0.039990585,0.000010059,1.0,Normal';
const UNSYNCED_LINE =
  '00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised';

let dir: string;
let outputFile: string;
let argsFile: string;
const script = (name: string, body: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tg-chronyc-'));
  outputFile = path.join(dir, 'output');
  argsFile = path.join(dir, 'args');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function otelValue(rm: ResourceMetrics, name: string, attrs: Record<string, string> = {}): number | undefined {
  for (const scope of rm.scopeMetrics) {
    for (const m of scope.metrics) {
      if (m.descriptor.name !== name) continue;
      for (const dp of m.dataPoints) {
        if (Object.entries(attrs).every(([k, v]) => dp.attributes[k] === v)) return dp.value as number;
      }
    }
  }
  return undefined;
}

describe('ChronySkewSource polling a chronyc executable', () => {
  it('runs chronyc with -h, -n and -c (no shell), parses its line and reports the bound', async () => {
    const chronyc = script('chronyc-ok', `printf '%s\\n' "$@" > '${argsFile}'\ncat '${outputFile}'`);
    writeFileSync(outputFile, `${SYNCED_LINE}\n`);
    const clock = new ManualClock();
    const source = new ChronySkewSource({ chronycPath: chronyc, host: '/run/test/chronyd.sock', clock, settlePolls: 1 });
    expect(source.status().reason).toBe('no_poll_yet');
    const status = await source.pollNow();
    expect(readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual(['-h', '/run/test/chronyd.sock', '-n', '-c', 'tracking']);
    expect(status.synchronized).toBe(true);
    // |offset| + dispersion + delay / 2, plus 15 ppm over the 100 ms the cached status stays valid.
    expect(status.maxErrorUs).toBeCloseTo(19_999.461 + 10.059 + 39_990.585 / 2 + 1.5, 6);
    // Cached: the hot path gets the same object back.
    expect(source.status()).toBe(status);

    writeFileSync(outputFile, `${UNSYNCED_LINE}\n`);
    expect((await source.pollNow()).reason).toBe('chrony_unsynchronized');
  });

  it('counts a poll killed at pollTimeoutMs as timeout and turns unsynchronised once the last answer is too old', async () => {
    const slow = script('chronyc-slow', 'exec sleep 5');
    const clock = new ManualClock();
    const source = new ChronySkewSource({ chronycPath: slow, clock, pollTimeoutMs: 150, pollIntervalMs: 1_000, pollAgeMsMax: 2_000 });
    const status = await source.pollNow();
    expect(status).toMatchObject({ synchronized: false, reason: 'chronyc_timeout' });
    expect(source.snapshot().pollFailures).toEqual({ failed: 0, timeout: 1, unparseable: 0 });
    expect(source.snapshot().lastFailureMessage).toMatch(/no answer within 150 ms/);
  });

  it('reports chronyc failures, a missing binary and garbage output as failures with the reason', async () => {
    const clock = new ManualClock();
    const down = new ChronySkewSource({ chronycPath: script('chronyc-down', "echo '506 Cannot talk to daemon'; exit 1"), clock });
    expect((await down.pollNow()).reason).toBe('chronyc_failed');
    expect(down.snapshot().lastFailureMessage).toMatch(/exit 1.*506 Cannot talk to daemon/);

    const missing = new ChronySkewSource({ chronycPath: path.join(dir, 'no-such-chronyc'), clock });
    expect((await missing.pollNow()).reason).toBe('chronyc_failed');
    expect(missing.snapshot().lastFailureMessage).toMatch(/ENOENT/);

    const garbage = new ChronySkewSource({ chronycPath: script('chronyc-garbage', "echo 'Reference ID    : 7F7F0101 ()'"), clock });
    expect((await garbage.pollNow()).reason).toBe('chronyc_unparseable');
    expect(garbage.snapshot().pollFailures.unparseable).toBe(1);
  });

  it('keeps the last good answer through a failed poll until pollAgeMsMax (ManualClock)', async () => {
    const chronyc = script('chronyc-file', `cat '${outputFile}' || exit 1`);
    writeFileSync(outputFile, `${SYNCED_LINE}\n`);
    const clock = new ManualClock();
    const source = new ChronySkewSource({ chronycPath: chronyc, clock, settlePolls: 0, pollAgeMsMax: 3_000 });
    expect((await source.pollNow()).reason).toBe('ok');
    rmSync(outputFile);
    clock.advanceMs(1_000);
    expect((await source.pollNow()).reason).toBe('ok');
    clock.advanceMs(2_001);
    expect(source.status()).toMatchObject({ synchronized: false, reason: 'chronyc_failed' });
    writeFileSync(outputFile, `${SYNCED_LINE.replace('1700000000.0', '1700000003.0')}\n`);
    expect((await source.pollNow()).reason).toBe('ok');
  });

  it('polls on its own after start() and stops after stop()', async () => {
    const chronyc = script('chronyc-count', `echo x >> '${path.join(dir, 'count')}'\ncat '${outputFile}'`);
    writeFileSync(outputFile, `${SYNCED_LINE}\n`);
    const source = new ChronySkewSource({ chronycPath: chronyc, pollIntervalMs: 20, settlePolls: 3, clock: new ManualClock() }).start();
    try {
      await expect.poll(() => source.snapshot().pollsTotal, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
      expect(source.status().reason).toBe('ok');
    } finally {
      source.stop();
    }
    await new Promise((r) => setTimeout(r, 100));
    const after = readFileSync(path.join(dir, 'count'), 'utf8').length;
    await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(path.join(dir, 'count'), 'utf8').length).toBe(after);
  });

  it('throws config errors naming the field', () => {
    expect(() => new ChronySkewSource({ chronycPath: '' })).toThrow(/chronycPath/);
    expect(() => new ChronySkewSource({ port: 70_000 })).toThrow(/port/);
    expect(() => new ChronySkewSource({ pollTimeoutMs: 0 })).toThrow(/pollTimeoutMs/);
    expect(() => new ChronySkewSource({ pollIntervalMs: 5 })).toThrow(/pollIntervalMs/);
  });
});

describe('chrony clock metrics', () => {
  it('exports tailguard_clock_* to a prom-client Registry at scrape time', async () => {
    const chronyc = script('chronyc-metrics', `cat '${outputFile}'`);
    writeFileSync(outputFile, `${SYNCED_LINE}\n`);
    const source = new ChronySkewSource({ chronycPath: chronyc, clock: new ManualClock(), settlePolls: 0 });
    const registry = new Registry();
    registerChronyPrometheus(source, registry);
    let text = await registry.metrics();
    expect(text).toContain('tailguard_clock_synchronized 0');
    expect(text).toContain('tailguard_clock_max_error_seconds +Inf');
    expect(text).not.toMatch(/^tailguard_clock_offset_seconds /m);
    expect(text).toContain('tailguard_clock_poll_failures_total{reason="timeout"} 0');

    await source.pollNow();
    text = await registry.metrics();
    expect(text).toContain('tailguard_clock_synchronized 1');
    expect(text).toContain('tailguard_clock_offset_seconds 0.019999461');
    expect(text).toContain('tailguard_clock_root_delay_seconds 0.039990585');
    expect(text).toContain('tailguard_clock_root_dispersion_seconds 0.000010059');
    expect(text).toContain('tailguard_clock_frequency_ppm -1.341');
    expect(text).toContain('tailguard_clock_stratum 9');
    expect(text).toContain('tailguard_clock_leap_status 0');
    const maxError = Number(/^tailguard_clock_max_error_seconds (\S+)$/m.exec(text)?.[1]);
    expect(maxError).toBeCloseTo(0.019999461 + 0.000010059 + 0.039990585 / 2, 6);
    expect(text).toMatch(/# TYPE tailguard_clock_poll_failures_total counter/);
    expect(() => registerChronyPrometheus(source, registry)).toThrow(/already registered/);

    writeFileSync(outputFile, `${UNSYNCED_LINE}\n`);
    await source.pollNow();
    text = await registry.metrics();
    expect(text).toContain('tailguard_clock_leap_status 3');
    expect(text).toContain('tailguard_clock_stratum 0');
    expect(text).not.toMatch(/^tailguard_clock_offset_seconds /m);
  });

  it('exports the same words through an OpenTelemetry Meter (tailguard.clock.*, unit s)', async () => {
    const chronyc = script('chronyc-otel', `cat '${outputFile}'`);
    writeFileSync(outputFile, `${SYNCED_LINE}\n`);
    const source = new ChronySkewSource({ chronycPath: chronyc, clock: new ManualClock(), settlePolls: 0 });
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    const unregister = registerChronyOpenTelemetry(source, provider.getMeter('test'));
    try {
      await source.pollNow();
      const { resourceMetrics } = await reader.collect();
      expect(otelValue(resourceMetrics, 'tailguard.clock.synchronized')).toBe(1);
      const offset = resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics).find((m) => m.descriptor.name === 'tailguard.clock.offset');
      expect(offset?.descriptor.unit).toBe('s');
      expect(otelValue(resourceMetrics, 'tailguard.clock.offset')).toBeCloseTo(0.019999461, 9);
      expect(otelValue(resourceMetrics, 'tailguard.clock.max_error')).toBeCloseTo(0.04, 4);
      expect(otelValue(resourceMetrics, 'tailguard.clock.stratum')).toBe(9);
      expect(otelValue(resourceMetrics, 'tailguard.clock.leap_status')).toBe(0);
      expect(otelValue(resourceMetrics, 'tailguard.clock.poll_failures', { reason: 'failed' })).toBe(0);
      rmSync(outputFile);
      await source.pollNow();
      const second = (await reader.collect()).resourceMetrics;
      expect(otelValue(second, 'tailguard.clock.poll_failures', { reason: 'failed' })).toBe(1);
    } finally {
      unregister();
      await provider.shutdown();
    }
  });
});
