import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@tailguard/core';
import { createGuardConnection, keyLayout, readExecutionHistory, RedisExecutionHistory, RedisQuoteGuard } from '@tailguard/redis-store';
import { runCli } from '../../core/src/cli/index.js';
import { spawnRedis, type SpawnedRedis } from '../../../test/support/redis-server.js';

function bufferIo() {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('execution history for the staleness audit', () => {
  let server: SpawnedRedis;
  let guardConn: Redis;
  let conn: Redis;
  beforeAll(async () => {
    server = await spawnRedis();
    guardConn = createGuardConnection({ port: server.port, host: '127.0.0.1', commandTimeout: 1_000 });
    conn = new Redis(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => guardConn.once('ready', () => resolve()));
  });
  afterAll(async () => {
    guardConn.disconnect();
    conn.disconnect();
    await server.stop();
  });

  it('the guard appends each fill with its quote age; the CLI audits it from Redis', async () => {
    const keys = keyLayout('eh:');
    const history = new RedisExecutionHistory(conn, { streamKey: keys.executionStream, retentionMs: 3_600_000 });
    const clock = new ManualClock(1e9, 1_750_000_000_000_000);
    const guard = new RedisQuoteGuard(guardConn, { keys, clock, history, callTimeoutMs: 1_000, policy: { default: { maxAgeMs: 1_000 } } });
    const agesMs = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610];
    for (const [i, ageMs] of agesMs.entries()) {
      const issuedEpochUs = clock.wallEpochUs();
      expect((await guard.recordQuote({ quoteId: `h${i}`, instrument: 'XAUUSD', bidPx: 10, askPx: 10.1, issuedEpochUs })).ok).toBe(true);
      clock.advanceMs(ageMs);
      expect((await guard.check({ quoteId: `h${i}`, clientId: 'c', execId: `x${i}`, side: 'buy' })).reason).toBe('OK');
      // A replay and a retry do not add executions.
      await guard.check({ quoteId: `h${i}`, clientId: 'c', execId: `x${i}`, side: 'buy' });
      await guard.check({ quoteId: `h${i}`, clientId: 'c', execId: `y${i}`, side: 'buy' });
    }
    await history.drain();
    const records = [];
    for await (const r of readExecutionHistory(conn, keys.executionStream, { pageSize: 3 })) records.push(r);
    expect(records.map((r) => r.execEpochUs - r.quoteEpochUs)).toEqual(agesMs.map((ms) => ms * 1_000));
    expect(records[0]).toMatchObject({ quoteId: 'h0', execId: 'x0', clientId: 'c', instrument: 'XAUUSD' });

    const json = bufferIo();
    const code = await runCli(['audit-staleness', '--redis', server.url, '--prefix', 'eh:', '--threshold-ms', '100', '--json'], json.io);
    expect(json.err()).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(json.out()) as { report: { count: number; maxUs: number; vulnerableCount: number }; lines: number };
    expect(out.report.count).toBe(agesMs.length);
    expect(out.report.maxUs).toBe(610_000);
    expect(out.report.vulnerableCount).toBe(agesMs.filter((ms) => ms > 100).length);

    const table = bufferIo();
    expect(await runCli(['audit-staleness', '--redis', server.url, '--prefix', 'eh:'], table.io)).toBe(0);
    expect(table.out()).toMatch(/executions\s+14/);
    history.close();
    guard.close();
  });

  it('trims the history by time (MINID) and reports an unreachable server as a usage error', async () => {
    const key = keyLayout('eh2:').executionStream;
    // Entries stamped two hours ago, then one appended with a one-hour retention: the old ones go.
    const old = Date.now() - 7_200_000;
    for (let i = 0; i < 300; i++) await conn.xadd(key, `${old + i}-0`, 'quoteEpochUs', '1', 'execEpochUs', '2');
    const history = new RedisExecutionHistory(conn, { streamKey: key, retentionMs: 3_600_000 });
    history.append({ quoteEpochUs: 1_750_000_000_000_000, execEpochUs: 1_750_000_000_010_000 });
    await history.drain();
    // MINID ~ trims whole macro nodes (100 entries each by default); nothing older than the bound survives a full node.
    expect(await conn.xlen(key)).toBeLessThan(120);
    history.close();

    const io = bufferIo();
    expect(await runCli(['audit-staleness', '--redis', 'redis://127.0.0.1:1'], io.io)).toBe(2);
    expect(io.err()).toMatch(/cannot read redis:\/\/127\.0\.0\.1:1/);
    expect(await runCli(['audit-staleness', '--prefix', 'x:', 'file.csv'], io.io)).toBe(2);
    expect(io.err()).toMatch(/--prefix applies only with --redis/);
  });
});
