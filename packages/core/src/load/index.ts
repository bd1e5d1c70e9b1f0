export { replayLoad } from './load-replay.js';
export type { LoadReplayOptions, ProgressWriter } from './load-replay-options.js';
export { formatLoadReport, formatDurationNs, LOAD_SHORTFALLS, type LoadReportRow, type LoadShortfall } from './load-report.js';
