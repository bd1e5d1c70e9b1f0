/**
 * `pnpm bench`: imports every `*.bench.js` module beside this file (bench/dist),
 * calls its `run()` in turn, and ends with the targets each one checked. A
 * module whose peer is missing (its import fails with a missing module, or
 * `run()` throws BenchPeerMissing) is reported as skipped, with the reason; any
 * other failure is printed and makes the exit code 1 after the rest have run.
 */
import { readdirSync } from 'node:fs';
import { arch, cpus, loadavg, platform } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, TargetCheck } from './bench-harness.js';

interface BenchModule {
  run?: () => BenchResult | Promise<BenchResult> | unknown;
  /** Optional: renders rows that `run()` returned instead of printing them itself. */
  formatTable?: (rows: unknown[]) => string;
}

function isTargetCheck(x: unknown): x is TargetCheck {
  const c = x as Partial<TargetCheck> | null;
  return c !== null && typeof c === 'object' && typeof c.name === 'string' && typeof c.figure === 'string' && typeof c.target === 'string' && typeof c.met === 'boolean';
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const PEER_MISSING_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'BENCH_PEER_MISSING', 'ENOENT']);

async function main(): Promise<number> {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`tailguard benchmarks: node ${process.version} ${platform()}/${arch()}, ${cpus().length} x ${cpu}`);
  // Other work on the machine inflates every figure; print it so a reader can judge the run.
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`modules: ${files.join(', ')}`);
  const checks: TargetCheck[] = [];
  const skipped: string[] = [];
  let failed = 0;
  for (const file of files) {
    const t0 = performance.now();
    let mod: BenchModule;
    try {
      mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as BenchModule;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (PEER_MISSING_CODES.has(errorCode(error) ?? '')) {
        console.log(`\n# ${file}: skipped, a peer is missing: ${reason}`);
        skipped.push(file);
      } else {
        console.log(`\n# ${file}: FAILED to load: ${reason}`);
        failed++;
      }
      continue;
    }
    if (typeof mod.run !== 'function') {
      console.log(`\n# ${file}: skipped, it exports no run()`);
      skipped.push(file);
      continue;
    }
    console.log(`\n# ${file}`);
    try {
      const result: unknown = await mod.run();
      if (Array.isArray(result)) {
        checks.push(...result.filter(isTargetCheck));
        // A module that returns rows (not target checks) and exports formatTable gets them printed here.
        const rows = result.filter((r) => !isTargetCheck(r));
        if (rows.length > 0 && typeof mod.formatTable === 'function') console.log(mod.formatTable(rows));
      }
      console.log(`(${file}: ${((performance.now() - t0) / 1e3).toFixed(1)} s)`);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      if (PEER_MISSING_CODES.has(errorCode(error) ?? '')) {
        console.log(`# ${file}: skipped, a peer is missing: ${reason}`);
        skipped.push(file);
      } else {
        console.log(`# ${file}: FAILED: ${error instanceof Error ? (error.stack ?? reason) : reason}`);
        failed++;
      }
    }
  }
  console.log('\n## Targets');
  const width = Math.max(0, ...checks.map((c) => c.name.length));
  for (const c of checks) console.log(`${c.met ? 'met   ' : 'MISSED'}  ${c.name.padEnd(width)}  ${c.figure} (target ${c.target})`);
  if (skipped.length > 0) console.log(`skipped: ${skipped.join(', ')}`);
  if (failed > 0) console.log(`failed: ${failed} module(s)`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
