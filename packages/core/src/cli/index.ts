export { CLI_EXIT, type CliArgs, type CliCommand, type CliIo, type CliOutput } from './cli-command.js';
export { CLI_COMMANDS } from './commands.js';
export { formatCliHelp, runCli } from './run-cli.js';
export { nodeCliIo } from './node-cli-io.js';
export { STALENESS_JSON_MALFORMED_MAX, auditStalenessCommand } from './audit-staleness-command.js';
export { rolloutBucketCommand } from './rollout-bucket-command.js';
export { splitCsvLine, type CsvSplit } from './csv-fields.js';
export {
  STALENESS_INPUT_FORMATS,
  stalenessFormatFromPath,
  stalenessLineParser,
  type StalenessInputFormat,
  type StalenessLine,
  type StalenessLineParser,
} from './staleness-line-parser.js';
export { formatStalenessReport, formatUsAsMs, type StalenessInputSummary } from './format-staleness-report.js';
export { auditCommand } from './audit-command.js';
