/**
 * Diagnostic, not part of `pnpm bench`: where the instrumented engine's added
 * order → ack time goes. One order at a time over loopback against a raw
 * jspurefix venue, each round trip cut at four instants into
 *   send call   the engine's sendOrder (raw: jspurefix send) returning
 *   to venue    send call start → the venue's handler entered
 *   venue       the venue's handler (its fill sent)
 *   to engine   the venue's fill sent → the engine's report handler entered
 * and the p50 of each piece printed, for raw and instrumented engines in
 * alternating fresh processes (order rotated each round, medians of per-round
 * differences). Both engines face the same unchanged raw venue, so a change in
 * its piece is the engine's effect on shared caches and JIT state, not venue work.
 *
 *   node bench/dist/fix-round-trip-split.js [rounds]      driver (default 12 rounds)
 *   node bench/dist/fix-round-trip-split.js --mode raw|engine [pings]   one process, one JSON row
 *
 * One process's pieces move by ±2 µs from process to process here, so read
 * differences below ~0.5 µs only from 16 rounds or more.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LatencyMonitor, monoNowNs } from '@tailguard/core';
import { FixMetrics, startLoopback, type LoopbackHarness } from '@tailguard/fix';
import type { MsgView } from 'jspurefix';
import { median, printTable } from './bench-harness.js';
import { nos, RawEngine, RawVenue } from './raw-fix-sessions.js';

const SPLIT_MODES = ['raw', 'engine'] as const;
type SplitMode = (typeof SPLIT_MODES)[number];
const PIECES = ['sendCallUs', 'toVenueUs', 'venueUs', 'toEngineUs', 'totalUs'] as const;
type SplitRow = { mode: SplitMode } & Record<(typeof PIECES)[number], number>;
/** Steady state first: with 2 000 warm-up pings TurboFan was still compiling the order path while measuring (see fix.bench's WARM_UP_PINGS). */
const WARMUP_PINGS = 10_000;

/** Instants of the order in flight (one at a time). */
const at = { sendNs: 0, venueInNs: 0, venueOutNs: 0 };

/** The raw venue, timed around its handler. */
class TimedRawVenue extends RawVenue {
  protected override onApplicationMsg(msgType: string, view: MsgView): void {
    at.venueInNs = monoNowNs();
    super.onApplicationMsg(msgType, view);
    at.venueOutNs = monoNowNs();
  }
}

async function start(mode: SplitMode, onAck: () => void): Promise<{ h: LoopbackHarness; send: (id: string) => void }> {
  if (mode === 'raw') {
    const h = await startLoopback({ makeVenueSession: (c) => new TimedRawVenue(c), engines: [{ senderCompId: 'ENGINE', makeSession: (c) => new RawEngine(c) }] });
    const engine = h.engines[0]!.session as RawEngine;
    engine.onAck = onAck;
    return { h, send: (id) => engine.sendOrder(nos(id)) };
  }
  const metrics = new FixMetrics({ monitor: new LatencyMonitor() });
  const h = await startLoopback({
    metrics,
    makeVenueSession: (c) => new TimedRawVenue(c),
    engines: [{ senderCompId: 'ENGINE', engine: { onMessage: (t) => t === '8' && onAck() } }],
  });
  const engine = h.engine;
  return { h, send: (id) => void engine.sendOrder(nos(id)) };
}

async function measure(mode: SplitMode, pings: number): Promise<SplitRow> {
  let acked: () => void = () => {};
  let ackNs = 0;
  const { h, send } = await start(mode, () => {
    ackNs = monoNowNs();
    acked();
  });
  const samples = PIECES.map(() => new Float64Array(pings));
  try {
    for (let i = 0; i < WARMUP_PINGS + pings; i++) {
      const done = new Promise<void>((resolve) => (acked = resolve));
      at.sendNs = monoNowNs();
      send(`s-${i}`);
      const returnedNs = monoNowNs();
      await done;
      const k = i - WARMUP_PINGS;
      if (k < 0) continue;
      samples[0]![k] = returnedNs - at.sendNs;
      samples[1]![k] = at.venueInNs - at.sendNs;
      samples[2]![k] = at.venueOutNs - at.venueInNs;
      samples[3]![k] = ackNs - at.venueOutNs;
      samples[4]![k] = ackNs - at.sendNs;
    }
  } finally {
    await h.stop();
  }
  const row = { mode } as SplitRow;
  PIECES.forEach((piece, j) => (row[piece] = median(Array.from(samples[j]!)) / 1_000));
  return row;
}

function drive(rounds: number): void {
  const file = fileURLToPath(import.meta.url);
  const rows = new Map<SplitMode, SplitRow[]>(SPLIT_MODES.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < SPLIT_MODES.length; k++) {
      const mode = SPLIT_MODES[(k + r) % SPLIT_MODES.length]!;
      const child = spawnSync(process.execPath, [file, '--mode', mode], { encoding: 'utf8', timeout: 120_000 });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      if (child.status !== 0 || !line.startsWith('{')) throw new Error(`split: mode ${mode} exited ${child.status}: ${child.stderr.trim() || line}`);
      rows.get(mode)!.push(JSON.parse(line) as SplitRow);
    }
  }
  const raw = rows.get('raw')!;
  const engine = rows.get('engine')!;
  printTable(
    'FIX round trip split: instrumented engine vs raw jspurefix engine, both against a raw venue (p50 per piece)',
    PIECES.map((piece) => ({
      label: piece.replace('Us', ''),
      value: `${median(raw.map((x) => x[piece])).toFixed(2)} → ${median(engine.map((x) => x[piece])).toFixed(2)} µs`,
      ratio: `${median(engine.map((x, i) => x[piece] - raw[i]![piece])).toFixed(2)} µs`,
    })),
    `${rounds} rounds, each mode in a fresh process per round, order rotated; added: median of per-round differences`,
    'added',
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const modeAt = process.argv.indexOf('--mode');
  if (modeAt >= 0) {
    const mode = process.argv[modeAt + 1] as SplitMode;
    if (!(SPLIT_MODES as readonly string[]).includes(mode)) throw new RangeError(`split: --mode must be raw or engine, got ${mode}`);
    console.log(JSON.stringify(await measure(mode, Number(process.argv[modeAt + 2] ?? 4_000))));
  } else {
    drive(Number(process.argv[2] ?? 12));
  }
  process.exit(0);
}
