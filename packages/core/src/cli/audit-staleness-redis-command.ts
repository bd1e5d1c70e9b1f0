import { StalenessAudit } from '../audit/staleness-audit.js';
import { auditStalenessCommand } from './audit-staleness-command.js';
import { auditStalenessUsage as usage, thresholdUsOption } from './audit-staleness-args.js';
import { CLI_EXIT, type CliArgs, type CliCommand, type CliIo } from './cli-command.js';
import { formatStalenessReport } from './format-staleness-report.js';

/** Package read by `--redis`; imported at run time only, so core never depends on it. */
const REDIS_STORE_PACKAGE = '@tailguard/redis-store';

/** Negative-age line numbers (here: entry ordinals) kept for the report. */
const NEGATIVE_ENTRIES_MAX = 10;

/** The part of @tailguard/redis-store this command uses (structural: no type import from it). */
interface ExecutionHistorySourceLike {
  readonly streamKey: string;
  records(options?: { sinceEpochMs?: number }): AsyncIterable<{ quoteEpochUs: number; execEpochUs: number }>;
  close(): void;
}
interface RedisStoreModuleLike {
  openExecutionHistory(url: string, options?: { prefix?: string }): Promise<ExecutionHistorySourceLike>;
}

const REDIS_HELP = `
Reading the execution history from Redis (instead of FILE):
  tailguard audit-staleness --redis URL [--prefix P] [--since-ms N] [--threshold-ms N] [--json]

  --redis URL       redis://host:port[/db] (rediss:// for TLS) of the server the engines'
                    RedisQuoteGuard writes its execution history to (stream <prefix>executions)
  --prefix P        key prefix the engines use (default tg:)
  --since-ms N      only executions of the last N milliseconds (default: the whole history)

  Needs the @tailguard/redis-store package (and ioredis) installed beside @tailguard/core.
  Exit code 2 when the package is missing or the server cannot be reached.
`;

async function runFromRedis(url: string, args: CliArgs, io: CliIo): Promise<number> {
  const { values, positionals } = args;
  if (positionals.length !== 0) return usage(io, `--redis reads the execution history instead of FILE; drop ${JSON.stringify(positionals[0])}`);
  if (values['format'] !== undefined) return usage(io, '--format applies to FILE input, not --redis');
  const threshold = thresholdUsOption(values);
  if (!threshold.ok) return usage(io, threshold.problem);
  const thresholdUs = threshold.thresholdUs;
  let sinceEpochMs: number | undefined;
  const sinceArg = values['since-ms'];
  if (typeof sinceArg === 'string') {
    const ms = Number(sinceArg);
    if (sinceArg.trim() === '' || !Number.isInteger(ms) || ms <= 0) {
      return usage(io, `--since-ms must be a positive integer number of milliseconds, got ${JSON.stringify(sinceArg)}`);
    }
    sinceEpochMs = Date.now() - ms;
  }
  const prefix = typeof values['prefix'] === 'string' ? values['prefix'] : undefined;

  let mod: RedisStoreModuleLike;
  try {
    // A variable specifier: TypeScript and bundlers leave it alone, core keeps no dependency.
    const specifier: string = REDIS_STORE_PACKAGE;
    mod = (await import(specifier)) as RedisStoreModuleLike;
  } catch (err) {
    return usage(io, `--redis needs ${REDIS_STORE_PACKAGE} installed (${(err as Error).message.split('\n')[0]})`);
  }
  let source: ExecutionHistorySourceLike;
  try {
    source = await mod.openExecutionHistory(url, prefix === undefined ? {} : { prefix });
  } catch (err) {
    return usage(io, `cannot read ${url}: ${(err as Error).message}`);
  }

  const audit = new StalenessAudit(thresholdUs === undefined ? {} : { thresholdUs });
  const negativeAgeLines: number[] = [];
  let entries = 0;
  try {
    for await (const rec of source.records(sinceEpochMs === undefined ? {} : { sinceEpochMs })) {
      entries++;
      if (audit.record(rec.quoteEpochUs, rec.execEpochUs) === 'negative-age' && negativeAgeLines.length < NEGATIVE_ENTRIES_MAX) {
        negativeAgeLines.push(entries);
      }
    }
  } catch (err) {
    return usage(io, `cannot read ${url} after ${entries} entries: ${(err as Error).message}`);
  } finally {
    source.close();
  }
  const report = audit.report();
  const summary = { source: `${url} ${source.streamKey}`, format: 'redis stream', lines: entries, malformedLines: 0, blankLines: 0, negativeAgeLines };
  if (values['json'] === true) {
    io.stdout.write(`${JSON.stringify({ ...summary, report }, null, 2)}\n`);
  } else {
    io.stdout.write(formatStalenessReport(report, summary));
  }
  return CLI_EXIT.ok;
}

async function run(args: CliArgs, io: CliIo): Promise<number> {
  const url = args.values['redis'];
  if (typeof url === 'string') return runFromRedis(url, args, io);
  for (const option of ['prefix', 'since-ms']) {
    if (args.values[option] !== undefined) return usage(io, `--${option} applies only with --redis URL`);
  }
  return auditStalenessCommand.run(args, io);
}

const spec: CliCommand = {
  name: auditStalenessCommand.name,
  summary: `${auditStalenessCommand.summary}, or from the engines' execution history in Redis (--redis URL)`,
  help: `${auditStalenessCommand.help}${REDIS_HELP}`,
  options: {
    ...auditStalenessCommand.options,
    redis: { type: 'string' },
    prefix: { type: 'string' },
    'since-ms': { type: 'string' },
  },
  run,
};

/**
 * `tailguard audit-staleness`: the FILE command plus `--redis URL`, which audits
 * the execution history the RedisQuoteGuard writes, loaded through a dynamic
 * import of @tailguard/redis-store (core keeps no dependency on it).
 */
export const auditStalenessRedisCommand: CliCommand = Object.freeze(spec);
