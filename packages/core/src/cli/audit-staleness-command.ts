import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { StalenessAudit } from '../audit/staleness-audit.js';
import { auditStalenessUsage as usage, thresholdUsOption } from './audit-staleness-args.js';
import { CLI_EXIT, type CliArgs, type CliCommand, type CliIo } from './cli-command.js';
import { formatStalenessReport } from './format-staleness-report.js';
import { STALENESS_INPUT_FORMATS, stalenessFormatFromPath, stalenessLineParser, type StalenessInputFormat } from './staleness-line-parser.js';

/** Malformed lines listed in `--json` output (all of them always go to stderr). */
export const STALENESS_JSON_MALFORMED_MAX = 1_000;
/** Line numbers of negative ages kept for the report. */
const NEGATIVE_LINES_MAX = 10;

const HELP = `Usage: tailguard audit-staleness [options] FILE

Quote age at execution (execEpochUs - quoteEpochUs) over a CSV or NDJSON file:
count, median, p95, p99, max and the share of executions above a threshold.
Streams the file line by line in constant memory; FILE "-" reads stdin.

Input:
  CSV     header line naming quoteEpochUs and execEpochUs (any order, extra
          columns allowed), then one execution per line.
  NDJSON  one JSON object per line with numeric quoteEpochUs and execEpochUs.
  Instants are epoch microseconds; seconds, milliseconds or nanoseconds are
  reported as malformed with the unit they look like.

Options:
  --format csv|ndjson   input format (default: from the extension .csv, .ndjson, .jsonl)
  --threshold-ms N      vulnerability threshold in milliseconds (default 500)
  --json                print the report as JSON on stdout
  --allow-malformed     exit 0 even when some lines are malformed
  -h, --help            show this help

Every malformed line is named on stderr as FILE:LINE: problem; none is skipped
silently. Executions timestamped before their quote are counted as negative ages.

Exit codes: 0 audited; 1 malformed lines (unless --allow-malformed);
2 usage error, unreadable file or unusable CSV header.
`;

async function run(args: CliArgs, io: CliIo): Promise<number> {
  const { values, positionals } = args;
  if (positionals.length !== 1) return usage(io, `expected one FILE argument, got ${positionals.length}`);
  const file = positionals[0]!;

  let format: StalenessInputFormat | undefined;
  const formatArg = values['format'];
  if (typeof formatArg === 'string') {
    if (!(STALENESS_INPUT_FORMATS as readonly string[]).includes(formatArg)) {
      return usage(io, `--format must be one of ${STALENESS_INPUT_FORMATS.join(', ')}, got ${JSON.stringify(formatArg)}`);
    }
    format = formatArg as StalenessInputFormat;
  } else {
    format = stalenessFormatFromPath(file);
    if (format === undefined) return usage(io, `cannot tell the format of ${JSON.stringify(file)} from its extension; pass --format csv or --format ndjson`);
  }

  const threshold = thresholdUsOption(values);
  if (!threshold.ok) return usage(io, threshold.problem);
  const thresholdUs = threshold.thresholdUs;

  let input: NodeJS.ReadableStream;
  let close = async (): Promise<void> => {};
  if (file === '-') {
    if (io.stdin === undefined) return usage(io, 'no stdin to read "-" from');
    input = io.stdin;
  } else {
    try {
      const handle = await open(file, 'r');
      input = handle.createReadStream({ encoding: 'utf8' });
      close = () => handle.close().catch(() => {});
    } catch (err) {
      return usage(io, `cannot open ${file}: ${(err as Error).message}`);
    }
  }

  const source = file === '-' ? 'stdin' : file;
  const audit = new StalenessAudit(thresholdUs === undefined ? {} : { thresholdUs });
  const parser = stalenessLineParser(format);
  const malformed: { line: number; problem: string }[] = [];
  const negativeAgeLines: number[] = [];
  let lineNo = 0;
  let malformedLines = 0;
  let blankLines = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (let line of lines) {
      lineNo++;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // UTF-8 byte order mark
      const parsed = parser.parse(line);
      switch (parsed.kind) {
        case 'sample':
          if (audit.record(parsed.quoteEpochUs, parsed.execEpochUs) === 'negative-age' && negativeAgeLines.length < NEGATIVE_LINES_MAX) {
            negativeAgeLines.push(lineNo);
          }
          break;
        case 'blank':
          blankLines++;
          break;
        case 'header':
          break;
        case 'malformed':
          malformedLines++;
          io.stderr.write(`${source}:${lineNo}: ${parsed.problem}\n`);
          if (malformed.length < STALENESS_JSON_MALFORMED_MAX) malformed.push({ line: lineNo, problem: parsed.problem });
          break;
        case 'fatal':
          lines.close();
          return usage(io, `${source}:${lineNo}: ${parsed.problem}`);
      }
    }
  } catch (err) {
    return usage(io, `cannot read ${source} after line ${lineNo}: ${(err as Error).message}`);
  } finally {
    lines.close();
    await close();
  }

  const report = audit.report();
  const summary = { source, format, lines: lineNo, malformedLines, blankLines, negativeAgeLines };
  if (values['json'] === true) {
    const out = { ...summary, report, malformed, malformedListTruncated: malformedLines > malformed.length };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    io.stdout.write(formatStalenessReport(report, summary));
  }
  return malformedLines > 0 && values['allow-malformed'] !== true ? CLI_EXIT.malformedInput : CLI_EXIT.ok;
}

const auditStalenessCommandSpec: CliCommand = {
  name: 'audit-staleness',
  summary: 'Quote age at execution from a CSV or NDJSON file (median, p95, p99, max, share above a threshold)',
  help: HELP,
  options: {
    format: { type: 'string' },
    'threshold-ms': { type: 'string' },
    json: { type: 'boolean' },
    'allow-malformed': { type: 'boolean' },
  },
  run,
};

/** `tailguard audit-staleness FILE`: quote age at execution over a CSV or NDJSON file. */
export const auditStalenessCommand: CliCommand = Object.freeze(auditStalenessCommandSpec);
