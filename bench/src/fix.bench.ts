/**
 * FIX order path over loopback, one process, three modes in one run:
 *   raw           jspurefix AsciiSession engine and venue, no instrumentation
 *   instrumented  @tailguard/fix EngineSession + VenueSession, no OpenTelemetry SDK
 *   instr+sdk     the same with an SDK tracer and a BatchSpanProcessor (spans discarded by the exporter)
 *   engine only   the instrumented EngineSession (no SDK) against the raw venue: what an engine
 *                 embedding @tailguard/fix sees, its venue being elsewhere (the targets are judged on
 *                 `instrumented`, where both sides' instrumentation sits on the one process's path)
 * Each mode: order → ack latency (p50/p99 of one order at a time, from the send
 * call to the report reaching the application's handler, timed by this benchmark
 * the same way in every mode) and application messages/s (orders and
 * execution reports, 256 orders in flight). Every (round, mode) measurement runs
 * in a fresh Node process (this file with `--mode NAME`), warmed up there first;
 * modes are interleaved over several rounds (order rotated) and the median of
 * rounds is reported, so a noisy neighbour hits every mode alike. Ratios are
 * against raw. Every mode sends the same messages, byte for byte in length (same
 * ClOrdIDs, same venue ID format).
 *
 * Why a process per measurement: with all modes in one process, jspurefix's shared
 * code is compiled against every mode's session classes at once, which slowed raw
 * more than the instrumented sessions: the added p50 read +2.7 to +3.5 µs in one
 * process and ~+5 µs (+2 to +10 over 24 pairs) with each mode alone, as an
 * application runs it. A user runs one mode per process, so that is what is measured.
 *
 * Run alone: `node bench/dist/fix.bench.js`.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BatchSpanProcessor, BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';
import { LatencyMonitor, monoNowNs } from '@tailguard/core';
import { FixMetrics, MsgTag, startLoopback, type EngineSession, type LoopbackHarness } from '@tailguard/fix';
import hdr from 'hdr-histogram-js';
import type { IJsFixConfig } from 'jspurefix';
import { median, printTable, type BenchResult } from './bench-harness.js';
import { nos, RawEngine, RawVenue, type AckListener } from './raw-fix-sessions.js';

const MODES = ['raw', 'instrumented', 'instr+sdk', 'engine only'] as const;
type Mode = (typeof MODES)[number];

/** Figures of one mode. */
export interface FixBenchRow {
  mode: Mode;
  ackP50Us: number;
  ackP99Us: number;
  appMsgsPerSec: number;
}

/** Options of {@link run}. */
export interface FixBenchOptions {
  /** Orders timed one at a time. Default 4 000 (after the warm-up, see {@link WARM_UP_PINGS}). */
  pingOrders?: number;
  /** Orders for throughput. Default 20 000. */
  throughputOrders?: number;
  /**
   * Rounds; each runs every mode once (order rotated); medians are reported. Default 11:
   * one process's p50 moves by several µs from one process to the next (a few read
   * about twice the usual p50 on this VM), more than the effect measured, so the
   * verdict rests on many short processes rather than a few long ones.
   */
  rounds?: number;
}

const IN_FLIGHT = 256;
const MODE_FLAG = '--mode';
/** Bound on one mode's process (a hung session must not hang the bench). */
const CHILD_TIMEOUT_MS = 180_000;

const discard: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

/** One mode's sessions, running: send an order, be told of its ack, stop. */
interface RunningMode {
  h: LoopbackHarness;
  send: (id: string) => void;
  setAck: (l: AckListener) => void;
  close: () => Promise<void>;
}

async function startMode(mode: Mode): Promise<RunningMode> {
  let ack: AckListener = () => {};
  if (mode === 'raw') {
    const h = await startLoopback({
      makeVenueSession: (c) => new RawVenue(c),
      engines: [{ senderCompId: 'ENGINE', makeSession: (c) => new RawEngine(c) }],
    });
    const engine = h.engines[0]!.session as RawEngine;
    return { h, send: (id) => engine.sendOrder(nos(id)), setAck: (l) => (engine.onAck = l), close: () => h.stop() };
  }
  const monitor = new LatencyMonitor();
  const metrics = new FixMetrics({ monitor });
  let provider: BasicTracerProvider | undefined;
  let tracer: Tracer | undefined;
  if (mode === 'instr+sdk') {
    provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard, { maxQueueSize: 8_192 })] });
    tracer = provider.getTracer('bench');
  }
  const h = await startLoopback({
    metrics,
    // 'engine only': the instrumented engine against the raw venue.
    ...(mode === 'engine only' ? { makeVenueSession: (c: IJsFixConfig) => new RawVenue(c) } : { venue: { ordersWithoutQuoteId: 'fill' as const, counterparties: ['ENGINE'] } }),
    engines: [{ senderCompId: 'ENGINE', engine: { ...(tracer ? { tracer } : {}), onMessage: (t, v) => t === '8' && ack(v.getString(MsgTag.ClOrdID) ?? '') } }],
  });
  const engine = h.engine as EngineSession;
  return {
    h,
    send: (id) => void engine.sendOrder(nos(id)),
    setAck: (l) => (ack = l),
    close: async () => {
      await h.stop();
      monitor.close();
      await provider?.shutdown();
    },
  };
}

/**
 * Warm-up before measuring, on the same sessions: orders timed one at a time, then
 * orders in flight. Checked with `--trace-opt --trace-deopt`: with the 500 + 2 000
 * warm-up orders this bench used before, jspurefix's and our order-path functions
 * were still being compiled by TurboFan during the measured pings, and the fresh
 * harness it then measured on deoptimised them again (new sessions: "wrong map";
 * new windows: "wrong call target"). callgrind over the measured pings of
 * `fix-round-trip-split` with that short warm-up: raw 532 k instructions per order,
 * the instrumented engine 618 k, most of the difference compiler work; at steady
 * state 484 k and 487-491 k. So the old figures partly measured JIT warm-up, which
 * weighs more on the instrumented modes (more functions to compile). After this
 * warm-up no order-path function is compiled while measuring: steady state, as an
 * engine runs for hours.
 */
const WARM_UP_PINGS = 10_000;
const WARM_UP_THROUGHPUT_ORDERS = 10_000;

/** Order → ack of `count` orders sent one at a time, recorded into `hist`. */
async function pingPhase(m: RunningMode, prefix: string, count: number, hist: hdr.Histogram): Promise<void> {
  let resolveAck: () => void = () => {};
  // The ack instant is read in the application's handler, when it first sees the report
  // (the same point in every mode), not after the handler's event has unwound.
  let ackedNs = 0;
  m.setAck(() => {
    ackedNs = monoNowNs();
    resolveAck();
  });
  for (let i = 0; i < count; i++) {
    const acked = new Promise<void>((r) => (resolveAck = r));
    const t0 = monoNowNs();
    m.send(`${prefix}${i}`);
    await acked;
    hist.recordValue(Math.max(1, Math.round(ackedNs - t0)));
  }
}

/** Application messages/s with IN_FLIGHT orders outstanding until `count` are acked. */
async function throughputPhase(m: RunningMode, prefix: string, count: number): Promise<number> {
  let sent = 0;
  let acks = 0;
  const done = new Promise<void>((resolve) => {
    m.setAck(() => {
      acks++;
      if (sent < count) m.send(`${prefix}${sent++}`);
      if (acks === count) resolve();
    });
  });
  const t0 = monoNowNs();
  while (sent < IN_FLIGHT && sent < count) m.send(`${prefix}${sent++}`);
  await done;
  return (2 * count) / ((monoNowNs() - t0) / 1e9);
}

function ackHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
}

async function measureMode(mode: Mode, pingOrders: number, throughputOrders: number): Promise<FixBenchRow> {
  const m = await startMode(mode);
  try {
    // The same ClOrdIDs in every mode (jspurefix's costs grow with message length).
    // The warm-up records into a histogram of its own, so the timing code is warm too.
    await pingPhase(m, 'w-', WARM_UP_PINGS, ackHistogram());
    await throughputPhase(m, 'v-', WARM_UP_THROUGHPUT_ORDERS);
    const hist = ackHistogram();
    await pingPhase(m, 'p-', pingOrders, hist);
    const appMsgsPerSec = await throughputPhase(m, 't-', throughputOrders);
    return {
      mode,
      ackP50Us: hist.getValueAtPercentile(50) / 1_000,
      ackP99Us: hist.getValueAtPercentile(99) / 1_000,
      appMsgsPerSec,
    };
  } finally {
    await m.close();
  }
}

/** Runs the three modes in one loopback run and prints them with ratios to raw. */
export async function run(options: FixBenchOptions = {}): Promise<BenchResult> {
  const ping = options.pingOrders ?? 4_000;
  const thr = options.throughputOrders ?? 20_000;
  const rounds = options.rounds ?? 11;
  const byMode = new Map<Mode, FixBenchRow[]>(MODES.map((m) => [m, []]));
  const file = fileURLToPath(import.meta.url);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(k + r) % MODES.length]!;
      const child = spawnSync(process.execPath, [file, MODE_FLAG, mode, String(ping), String(thr)], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      if (child.status !== 0 || !line.startsWith('{')) {
        throw new Error(`fix bench: mode ${mode} exited ${child.status}: ${child.stderr.trim() || line}`);
      }
      byMode.get(mode)!.push(JSON.parse(line) as FixBenchRow);
    }
  }
  const med = (xs: number[]): number => median(xs);
  const rawRounds = byMode.get('raw')!;
  // Ratios to raw are medians of per-round pairs (each mode against raw of the same round),
  // so a slow drift of the machine between rounds cancels instead of landing on one mode.
  const rows = MODES.map((mode) => {
    const rs = byMode.get(mode)!;
    return {
      mode,
      ackP50Us: med(rs.map((x) => x.ackP50Us)),
      ackP99Us: med(rs.map((x) => x.ackP99Us)),
      appMsgsPerSec: med(rs.map((x) => x.appMsgsPerSec)),
      addedP50Us: med(rs.map((x, i) => x.ackP50Us - rawRounds[i]!.ackP50Us)),
      p99Ratio: med(rs.map((x, i) => x.ackP99Us / rawRounds[i]!.ackP99Us)),
      msgsRatio: med(rs.map((x, i) => x.appMsgsPerSec / rawRounds[i]!.appMsgsPerSec)),
    };
  });
  const noSdk = rows[1]!;
  printTable(
    'FIX loopback: order → ack and application messages/s (jspurefix engine + venue in one process)',
    rows.flatMap((r) => [
      { label: `${r.mode} order→ack p50`, value: `${r.ackP50Us.toFixed(1)} µs`, ratio: `${r.addedP50Us >= 0 ? '+' : ''}${r.addedP50Us.toFixed(1)} µs` },
      { label: `${r.mode} order→ack p99`, value: `${r.ackP99Us.toFixed(1)} µs`, ratio: `${r.p99Ratio.toFixed(2)}x` },
      { label: `${r.mode} app msgs/s`, value: Math.round(r.appMsgsPerSec).toLocaleString('en-US'), ratio: `${r.msgsRatio.toFixed(3)}x` },
    ]),
    `figures: medians of ${rounds} interleaved rounds, each mode in a fresh process per round; vs raw: medians of the per-round differences/ratios to raw in the same round; pings ${ping}, throughput orders ${thr} (${IN_FLIGHT} in flight)`,
    'vs raw',
  );
  const addedP50Us = noSdk.addedP50Us;
  const loss = 1 - noSdk.msgsRatio;
  return [
    { name: 'fix instrumented (no SDK) order→ack p50 added', figure: `${addedP50Us.toFixed(1)} µs`, target: '≤ 5 µs', met: addedP50Us <= 5 },
    { name: 'fix instrumented (no SDK) throughput loss', figure: `${(loss * 100).toFixed(1)} %`, target: '≤ 5 %', met: loss <= 0.05 },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf(MODE_FLAG);
  if (at >= 0) {
    // Child: one mode alone in this process, warmed up on its sessions, then measured.
    const mode = process.argv[at + 1] as Mode;
    if (!(MODES as readonly string[]).includes(mode)) throw new RangeError(`fix bench: unknown mode ${mode}`);
    const [ping, thr] = process.argv.slice(at + 2, at + 4).map(Number);
    console.log(JSON.stringify(await measureMode(mode, ping!, thr!)));
  } else {
    await run();
  }
  process.exit(0);
}
