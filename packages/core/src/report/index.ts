export { findObservabilityGaps, parseRules, type ObservabilityInputs } from './observability-gaps.js';
export { drawPercentilePlotPdf, percentilePlotModel, percentilePlotSvg, type PdfCanvas, type PercentileSeries, type PlotModel } from './percentile-plot.js';
export {
  REPORT_SECTIONS,
  allResults,
  latencyFindings,
  renderAuditMarkdown,
  writeAuditPdf,
  type AuditReportInput,
  type LatencyRow,
} from './audit-report.js';
