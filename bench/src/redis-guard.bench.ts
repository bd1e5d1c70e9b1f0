/**
 * The Redis quote guard's check (one Lua round trip) at 1 and 64 checks in
 * flight, beside its peers in the same run on the same private redis-server:
 * `redis-benchmark -t set` (C client, -P 1) at the same concurrency and a bare
 * `SET key val NX PX ttl` through ioredis (the floor of any one-round-trip check
 * from Node). Targets: check throughput ≥ 0.6× redis-benchmark's; check p50 at
 * 1 in flight ≤ 1.3× the bare SET round trip. Also printed: the same SET written as
 * RESP by hand on a bare socket, the floor of any Node client on this host.
 *
 * Runnable alone: `node bench/dist/redis-guard.bench.js` after `tsc -b`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import hdr from 'hdr-histogram-js';
import type { Redis } from 'ioredis';
import { systemClock } from '@tailguard/core';
import { createGuardConnection, keyLayout, RedisQuoteGuard } from '@tailguard/redis-store';
import { BenchPeerMissing, formatRatio, printTable, type BenchResult, type TargetCheck } from './bench-harness.js';

const execFileP = promisify(execFile);

/**
 * Each figure is the median of ROUNDS short rounds, the three contenders
 * interleaved round by round, so a load change on a shared box hits all of them
 * alike instead of whichever phase it landed in.
 */
const ROUNDS = 9;
const ROUND_MS = 500;
/**
 * Unrecorded rounds before the measured ones. With only the check and the SET warmed
 * (one 500 ms round each), `--trace-opt --trace-deopt` showed 89 TurboFan compiles and
 * 29 deopts during the measured 1-in-flight rounds, ioredis's command path and the
 * check among them (the interleaved contenders share ioredis and Node's socket code,
 * and each met it first in a measured round): the first rounds measured the JIT.
 */
const WARM_UP_ROUNDS = 3;
const IN_FLIGHT = [1, 64] as const;

interface Figures {
  opsPerSec: number;
  p50Us: number;
  p99Us: number;
  ops: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function startRedis(): Promise<{ port: number; child: ChildProcess; dir: string }> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tg-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(Object.assign(new BenchPeerMissing(`redis-server: ${err.message}`), { cause: err })));
    const deadline = Date.now() + 5_000;
    const probe = (): void => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => (Date.now() > deadline ? reject(new Error('redis-server did not start')) : setTimeout(probe, 20)));
    };
    probe();
  });
  return { port, child, dir };
}

/**
 * Runs `op` with `inFlight` concurrent loops for `ms` (or until `maxOps` started),
 * timing each operation (closed loop, as redis-benchmark does).
 */
async function drive(op: (i: number) => Promise<unknown>, inFlight: number, ms: number, maxOps = Infinity): Promise<Figures> {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  let next = 0;
  let ops = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < end && next < maxOps) {
      const s = process.hrtime.bigint();
      await op(next++);
      h.recordValue(Number(process.hrtime.bigint() - s));
      ops++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsedS = (performance.now() - t0) / 1e3;
  const f = { opsPerSec: ops / elapsedS, p50Us: h.getValueAtPercentile(50) / 1e3, p99Us: h.getValueAtPercentile(99) / 1e3, ops };
  h.destroy();
  return f;
}

async function redisBenchmark(port: number, clients: number, n: number): Promise<Figures> {
  let stdout: string;
  try {
    ({ stdout } = await execFileP('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-t', 'set', '-c', String(clients), '-P', '1', '-n', String(n), '--csv'], {
      timeout: 120_000,
    }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BenchPeerMissing('redis-benchmark is not installed');
    throw err;
  }
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const row = stdout.trim().split('\n').find((l) => l.startsWith('"SET"'));
  if (row === undefined) throw new Error(`redis-benchmark printed no SET row: ${stdout}`);
  const cells = row.split(',').map((c) => Number(c.replaceAll('"', '')));
  return { opsPerSec: cells[1]!, p50Us: cells[4]! * 1e3, p99Us: cells[6]! * 1e3, ops: n };
}

/**
 * The floor of a round trip from Node on this host: `SET key x PX ttl NX` written
 * as RESP by hand on a bare `net.Socket` (TCP_NODELAY), no client library. Every
 * reply of this command is one line (`+OK` or `$-1`), so replies are counted by
 * line ends and matched to callers in order.
 */
class RespSetFloor {
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.waiting[this.head++]!();
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      }
    });
  }

  static async connect(port: number): Promise<RespSetFloor> {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RespSetFloor(socket);
  }

  set(key: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(`*6\r\n$3\r\nSET\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n$1\r\nx\r\n$2\r\nPX\r\n$5\r\n60000\r\n$2\r\nNX\r\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Keeps the event loop turning (as busyPoll does) until the returned function is called. */
function spinEventLoop(): () => void {
  let on = true;
  const step = (): void => {
    if (on) setImmediate(step);
  };
  setImmediate(step);
  return () => {
    on = false;
  };
}

function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Per-statistic medians over rounds. */
function medianFigures(rounds: readonly Figures[]): Figures {
  return {
    opsPerSec: medianOf(rounds.map((r) => r.opsPerSec)),
    p50Us: medianOf(rounds.map((r) => r.p50Us)),
    p99Us: medianOf(rounds.map((r) => r.p99Us)),
    ops: rounds.reduce((a, r) => a + r.ops, 0),
  };
}

function fmt(f: Figures): string {
  return `${Math.round(f.opsPerSec).toLocaleString('en-US')} /s  p50 ${f.p50Us.toFixed(1)} µs  p99 ${f.p99Us.toFixed(1)} µs`;
}

/** Runs the comparison; returns the target checks. */
export async function run(): Promise<BenchResult> {
  const server = await startRedis();
  const conns: Redis[] = [];
  let floor: RespSetFloor | undefined;
  try {
    // Bench connections: the guard's fail-fast options (the guard times its own calls: callTimeoutMs below).
    const guardConn = createGuardConnection({ port: server.port, host: '127.0.0.1' });
    const setConn = createGuardConnection({ port: server.port, host: '127.0.0.1' });
    conns.push(guardConn, setConn);
    await Promise.all(conns.map((c) => new Promise<void>((resolve) => (c.status === 'ready' ? resolve() : c.once('ready', () => resolve())))));

    floor = await RespSetFloor.connect(server.port);
    const floorConn = floor;
    const keys = keyLayout('bench:');
    const guardOptions = { keys, callTimeoutMs: 2_000, quoteTtlMs: 600_000, policy: { default: { maxAgeMs: 60_000 } } };
    const guard = new RedisQuoteGuard(guardConn, guardOptions);
    // The same guard with busyPoll (the event loop kept turning while a check is in flight).
    const pollGuard = new RedisQuoteGuard(guardConn, { ...guardOptions, busyPoll: true });
    await guard.loadScripts();
    const clock = systemClock();
    // Quotes recorded ahead, one per check, so every measured check is a real accept (read + SET NX PX).
    let recorded = 0;
    const ensureQuotes = async (count: number): Promise<void> => {
      const issuedEpochUs = clock.wallEpochUs();
      const batch: Promise<unknown>[] = [];
      for (; recorded < count; recorded++) {
        batch.push(guard.recordQuote({ quoteId: `b${recorded}`, instrument: 'XAUUSD', bidPx: 2_000, askPx: 2_000.4, issuedEpochUs }));
        if (batch.length === 512) await Promise.all(batch.splice(0));
      }
      await Promise.all(batch);
    };
    let base = 0;
    const checkFigures = new Map<number, Figures>();
    const setFigures = new Map<number, Figures>();
    const peerFigures = new Map<number, Figures>();
    const floorFigures = new Map<number, Figures>();
    const wrongOutcomes: string[] = [];
    let pollCheckFigures: Figures | undefined;
    let pollSetFigures: Figures | undefined;
    for (const inFlight of IN_FLIGHT) {
      const checkWith = (g: RedisQuoteGuard) => async (i: number): Promise<void> => {
        const r = await g.check({ quoteId: `b${base + i}`, clientId: 'bench', execId: `x${base + i}`, side: 'buy', instrument: 'XAUUSD' });
        if (r.reason !== 'OK' && wrongOutcomes.length < 5) wrongOutcomes.push(r.reason);
      };
      const check = checkWith(guard);
      const pollCheck = checkWith(pollGuard);
      // Warm up on a fixed stock of quotes, then record 1.5x what the measured rounds can use at the warm rate.
      await ensureQuotes(base + 20_000);
      const warm = await drive(check, inFlight, ROUND_MS, 20_000);
      base += warm.ops;
      const perRound = Math.ceil(warm.opsPerSec * (ROUND_MS / 1_000) * 1.5) + 1_000;
      const set = (i: number) => setConn.set(`bench:set:${inFlight}:${i}`, 'x', 'PX', 60_000, 'NX');
      await drive(set, inFlight, ROUND_MS);
      let setBase = 10_000_000;
      type Row = { check: Figures; set: Figures; peer: Figures; floor: Figures; pollCheck?: Figures; pollSet?: Figures };
      const round = async (): Promise<Row> => {
        await ensureQuotes(base + perRound);
        const c = await drive(check, inFlight, ROUND_MS, perRound);
        base += c.ops;
        const s = await drive((i) => set(setBase + i), inFlight, ROUND_MS);
        setBase += s.ops;
        const p = await redisBenchmark(server.port, inFlight, Math.max(2_000, Math.round(s.opsPerSec * (ROUND_MS / 1_000))));
        const f = await drive((i) => floorConn.set(`bench:floor:${inFlight}:${setBase + i}`), inFlight, ROUND_MS);
        setBase += f.ops;
        const row: Row = { check: c, set: s, peer: p, floor: f };
        if (inFlight === 1) {
          // busyPoll, and the bare SET under the same busy-poll (a setImmediate chain while it runs).
          await ensureQuotes(base + 2 * perRound);
          row.pollCheck = await drive(pollCheck, inFlight, ROUND_MS, 2 * perRound);
          base += row.pollCheck.ops;
          const stop = spinEventLoop();
          row.pollSet = await drive((i) => set(setBase + i), inFlight, ROUND_MS);
          stop();
          setBase += row.pollSet.ops;
        }
        return row;
      };
      // Whole rounds first, not recorded: every contender's code reaches JIT steady state in the
      // interleaving it is measured in (see WARM_UP_ROUNDS).
      for (let r = 0; r < WARM_UP_ROUNDS; r++) await round();
      const rounds: Row[] = [];
      for (let r = 0; r < ROUNDS; r++) rounds.push(await round());
      checkFigures.set(inFlight, medianFigures(rounds.map((r) => r.check)));
      setFigures.set(inFlight, medianFigures(rounds.map((r) => r.set)));
      peerFigures.set(inFlight, medianFigures(rounds.map((r) => r.peer)));
      floorFigures.set(inFlight, medianFigures(rounds.map((r) => r.floor)));
      if (inFlight === 1) {
        pollCheckFigures = medianFigures(rounds.map((r) => r.pollCheck!));
        pollSetFigures = medianFigures(rounds.map((r) => r.pollSet!));
      }
    }
    if (wrongOutcomes.length > 0) throw new Error(`checks answered ${wrongOutcomes.join(', ')} instead of OK: quotes ran out or aged`);

    const checks: TargetCheck[] = [];
    for (const inFlight of IN_FLIGHT) {
      const c = checkFigures.get(inFlight)!;
      const s = setFigures.get(inFlight)!;
      const p = peerFigures.get(inFlight)!;
      const f = floorFigures.get(inFlight)!;
      const tputRatio = c.opsPerSec / p.opsPerSec;
      const rows = [
        { label: `guard check (Lua, 1 round trip)`, value: fmt(c), ratio: formatRatio(tputRatio), target: '≥ 0.60x tput', met: tputRatio >= 0.6 },
        { label: 'bare SET NX PX via ioredis', value: fmt(s), ratio: formatRatio(s.opsPerSec / p.opsPerSec) },
        { label: 'bare SET NX PX, hand-written RESP on net.Socket', value: fmt(f), ratio: formatRatio(f.opsPerSec / p.opsPerSec) },
        { label: `redis-benchmark -t set -c ${inFlight} -P 1`, value: fmt(p), ratio: '1.00x' },
      ];
      checks.push({ name: `redis guard check throughput, ${inFlight} in flight / redis-benchmark`, figure: formatRatio(tputRatio), target: '≥ 0.60x', met: tputRatio >= 0.6 });
      if (inFlight === 1) {
        const latRatio = c.p50Us / s.p50Us;
        rows.push({ label: 'check p50 / bare SET p50', value: `${c.p50Us.toFixed(1)} / ${s.p50Us.toFixed(1)} µs`, ratio: formatRatio(latRatio), target: '≤ 1.30x', met: latRatio <= 1.3 });
        checks.push({ name: 'redis guard check p50 at 1 in flight / bare SET NX PX p50', figure: formatRatio(latRatio), target: '≤ 1.30x', met: latRatio <= 1.3 });
        const pc = pollCheckFigures!;
        const ps = pollSetFigures!;
        const pollTput = pc.opsPerSec / p.opsPerSec;
        const pollLat = pc.p50Us / ps.p50Us;
        rows.push(
          { label: 'guard check, busyPoll: true', value: fmt(pc), ratio: formatRatio(pollTput), target: '≥ 0.60x tput', met: pollTput >= 0.6 },
          { label: 'bare SET NX PX, busy-polled', value: fmt(ps), ratio: formatRatio(ps.opsPerSec / p.opsPerSec) },
          { label: 'busyPoll check p50 / busy-polled SET p50', value: `${pc.p50Us.toFixed(1)} / ${ps.p50Us.toFixed(1)} µs`, ratio: formatRatio(pollLat), target: '≤ 1.30x', met: pollLat <= 1.3 },
        );
        checks.push(
          { name: 'redis guard check throughput, 1 in flight, busyPoll / redis-benchmark', figure: formatRatio(pollTput), target: '≥ 0.60x', met: pollTput >= 0.6 },
          { name: 'redis guard check p50, 1 in flight, busyPoll / busy-polled bare SET p50', figure: formatRatio(pollLat), target: '≤ 1.30x', met: pollLat <= 1.3 },
        );
      }
      printTable(`Redis guard, ${inFlight} in flight (loopback, one redis-server; medians of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms)`, rows, undefined, 'tput vs redis-benchmark');
    }
    guard.close();
    pollGuard.close();
    return checks;
  } finally {
    floor?.close();
    for (const c of conns) c.disconnect();
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(server.dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().then(
    () => undefined,
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
